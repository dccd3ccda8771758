namespace NetScope.Native;

/// <summary>
/// CLOCK_MONOTONIC in nanoseconds: the time base of bpf_ktime_get_ns and bpf_ktime_get_coarse_ns, so
/// user space can compare it with expiry times the kernel writes into maps.
/// </summary>
public static class MonotonicClock
{
    /// <summary>Nanoseconds since an unspecified point (boot, excluding suspend), as the BPF helpers count.</summary>
    public static unsafe ulong NowNs
    {
        get
        {
            Interop.Timespec now;
            if (Interop.clock_gettime(Interop.CLOCK_MONOTONIC, &now) != 0)
            {
                // Only EINVAL/EFAULT are possible, neither with these arguments.
                throw BpfErrors.Create(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), "clock_gettime", "CLOCK_MONOTONIC");
            }

            return (ulong)now.tv_sec * 1_000_000_000UL + (ulong)now.tv_nsec;
        }
    }
}
