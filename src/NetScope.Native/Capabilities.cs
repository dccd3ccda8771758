using System.Globalization;

namespace NetScope.Native;

/// <summary>Linux capabilities the agent may need, and whether this process holds them.</summary>
public static class Capabilities
{
    /// <summary>Capability numbers from include/uapi/linux/capability.h.</summary>
    public enum Capability
    {
        /// <summary>CAP_NET_ADMIN: XDP attach.</summary>
        CAP_NET_ADMIN = 12,
        /// <summary>CAP_SYS_ADMIN: everything on older kernels, mount(2).</summary>
        CAP_SYS_ADMIN = 21,
        /// <summary>CAP_PERFMON: tracing programs (kprobe, tracepoint, fentry).</summary>
        CAP_PERFMON = 38,
        /// <summary>CAP_BPF: loading programs and creating maps.</summary>
        CAP_BPF = 39,
    }

    /// <summary>Whether the calling process holds <paramref name="capability"/> in its effective set.</summary>
    public static bool HasEffective(Capability capability) => HasEffective(capability, ReadEffectiveMask());

    /// <summary>Whether <paramref name="effectiveMask"/> (CapEff of /proc/self/status) includes the capability.</summary>
    public static bool HasEffective(Capability capability, ulong effectiveMask) =>
        (effectiveMask & (1UL << (int)capability)) != 0;

    /// <summary>Reads CapEff from /proc/self/status; 0 when unreadable.</summary>
    public static ulong ReadEffectiveMask()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                {
                    return ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
