using NetScope.Native;

namespace NetScope.Agent.Probes;

/// <summary>One request/response latency series read from the kernel, summed over CPUs.</summary>
/// <param name="Role">Server or client.</param>
/// <param name="Port">Server: local port; client: remote port.</param>
/// <param name="Slots">Counts per slot (see Log2LatencyBuckets).</param>
/// <param name="SumNs">Sum of samples in nanoseconds.</param>
/// <param name="Count">Number of samples.</param>
internal sealed record TcpLatencySeries(TcpRole Role, ushort Port, ulong[] Slots, ulong SumNs, ulong Count);

/// <summary>
/// bpf/tcp_latency.bpf.c: request/response latency on tcp_sendmsg/tcp_recvmsg through the best rung.
/// </summary>
internal sealed class TcpLatencyProbe : IDisposable
{
    public const string ProbeName = "tcp_latency";

    private readonly AttachedProbe _attached;
    private readonly BpfMap _histograms;
    private readonly BpfMap _counters;

    private TcpLatencyProbe(AttachedProbe attached)
    {
        _attached = attached;
        _histograms = attached.Object.FindMap("tcp_lat_hist");
        _counters = attached.Object.FindMap("tcp_counters");
    }

    /// <summary>The rung in use.</summary>
    public HookRung Rung => _attached.Rung;

    /// <summary>Every rung with the reason it was used or refused.</summary>
    public IReadOnlyList<RungReport> Reports => _attached.Reports;

    /// <summary>The logical hooks this probe serves (metric label values).</summary>
    public static IReadOnlyList<string> Hooks { get; } = ["tcp_sendmsg", "tcp_recvmsg"];

    /// <summary>Rungs best first, each with its entry programs; every rung feeds the same handlers.</summary>
    public static ProbeDefinition Definition { get; } = new(
        ProbeName,
        "tcp_latency",
        [
            new RungPrograms(
                HookRung.Fentry,
                [
                    new("fentry_tcp_sendmsg", "tcp_sendmsg", p => p.AttachTrace()),
                    new("fexit_tcp_recvmsg", "tcp_recvmsg", p => p.AttachTrace()),
                ],
                ["tcp_sendmsg", "tcp_recvmsg"],
                []),
            new RungPrograms(
                HookRung.Kprobe,
                [
                    new("kprobe_tcp_sendmsg", "tcp_sendmsg", p => p.AttachKprobe("tcp_sendmsg", returnProbe: false)),
                    new("kprobe_tcp_recvmsg", "tcp_recvmsg", p => p.AttachKprobe("tcp_recvmsg", returnProbe: false)),
                    new("kretprobe_tcp_recvmsg", "tcp_recvmsg", p => p.AttachKprobe("tcp_recvmsg", returnProbe: true)),
                ],
                ["tcp_sendmsg", "tcp_recvmsg"],
                []),
            new RungPrograms(
                HookRung.Tracepoint,
                [
                    new("tp_sock_send_length", "tcp_sendmsg", p => p.AttachTracepoint("sock", "sock_send_length")),
                    new("tp_sock_recv_length", "tcp_recvmsg", p => p.AttachTracepoint("sock", "sock_recv_length")),
                ],
                [],
                ["sock/sock_send_length", "sock/sock_recv_length"]),
        ],
        [new HookProgram("tp_inet_sock_set_state", "tcp_state", p => p.AttachTracepoint("sock", "inet_sock_set_state"))]);

    /// <summary>Loads and attaches through the best allowed rung.</summary>
    public static TcpLatencyProbe Attach(RungSelector selector, IReadOnlySet<HookRung> allowed) =>
        new(selector.Attach(Definition, allowed));

    /// <summary>Reads every latency series, summing the per-CPU values.</summary>
    public unsafe List<TcpLatencySeries> ReadLatency()
    {
        var result = new List<TcpLatencySeries>();
        var perCpu = new TcpLatHist[BpfMap.PossibleCpus];
        foreach (TcpLatKey key in _histograms.Keys<TcpLatKey>())
        {
            if (!_histograms.TryLookupPerCpu(key, perCpu.AsSpan()))
            {
                continue;
            }

            ulong[] slots = new ulong[TcpLatHist.SlotCount];
            ulong sum = 0, count = 0;
            foreach (ref TcpLatHist cpu in perCpu.AsSpan())
            {
                for (int i = 0; i < TcpLatHist.SlotCount; i++)
                {
                    slots[i] += cpu.Slots[i];
                }

                sum += cpu.SumNs;
                count += cpu.Count;
            }

            result.Add(new TcpLatencySeries(key.Role, key.Port, slots, sum, count));
        }

        return result;
    }

    /// <summary>Reads one counter of tcp_counters, summed over CPUs.</summary>
    public ulong ReadCounter(TcpCounter counter)
    {
        Span<ulong> perCpu = stackalloc ulong[BpfMap.PossibleCpus];
        uint index = (uint)counter;
        if (!_counters.TryLookupPerCpu(index, perCpu))
        {
            return 0;
        }

        ulong total = 0;
        foreach (ulong value in perCpu)
        {
            total += value;
        }

        return total;
    }

    /// <summary>Detaches every link and unloads the object.</summary>
    public void Dispose() => _attached.Dispose();
}
