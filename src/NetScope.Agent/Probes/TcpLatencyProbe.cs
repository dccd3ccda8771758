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

    /// <summary>Maps keyed by series (role, port), sized and pre-filled for the cardinality cap.</summary>
    private static readonly string[] s_seriesMaps = ["tcp_lat_hist", "tcp_rtt_hist", "tcp_series_stats"];

    private readonly AttachedProbe _attached;
    private readonly BpfMap _histograms;
    private readonly BpfMap _rtt;
    private readonly BpfMap _stats;
    private readonly BpfMap _counters;
    private readonly BpfMap _eventConfig;
    private TcpEventConfig _eventSettings;

    private TcpLatencyProbe(AttachedProbe attached, Configuration.EventsSettings events)
    {
        _attached = attached;
        _histograms = attached.Object.FindMap("tcp_lat_hist");
        _rtt = attached.Object.FindMap("tcp_rtt_hist");
        _stats = attached.Object.FindMap("tcp_series_stats");
        _counters = attached.Object.FindMap("tcp_counters");
        _eventConfig = attached.Object.FindMap("tcp_event_config");
        Events = attached.Object.FindMap("tcp_events");
        _eventSettings = new TcpEventConfig
        {
            SlowThresholdNs = events.SlowThreshold is { } slow ? (ulong)slow.Ticks * 100 : 0,
            CloseEvents = events.ConnectionClose ? 1u : 0u,
        };
        _eventConfig.Update(0u, _eventSettings);
    }

    /// <summary>The tcp_events ring buffer (connection closes and slow requests).</summary>
    public BpfMap Events { get; }

    /// <summary>The sampling shift in force: one event in 2^shift is kept.</summary>
    public int EventSampleShift => (int)_eventSettings.SampleShift;

    /// <summary>Sets the sampling shift the programs read (0..<see cref="MaxSampleShift"/>).</summary>
    public void SetEventSampleShift(int shift)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shift);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shift, MaxSampleShift);
        _eventSettings.SampleShift = (uint)shift;
        _eventConfig.Update(0u, _eventSettings);
    }

    /// <summary>The largest shift bpf/tcp_latency.bpf.c honours.</summary>
    public const int MaxSampleShift = 16;

    /// <summary>The series maps with their current entry count and capacity (netscope_bpf_map_entries).</summary>
    public IEnumerable<(string Map, int Entries, int MaxEntries)> SeriesMapOccupancy() =>
        new[] { _histograms, _rtt, _stats }.Select(m => (m.Name, m.Keys<TcpLatKey>().Count, m.MaxEntries));

    /// <summary>The rung in use.</summary>
    public HookRung Rung => _attached.Rung;

    /// <summary>The hook set the rung in use hooks through.</summary>
    public HookSet HookSet => _attached.HookSet;

    /// <summary>Every rung with the reason it was used or refused.</summary>
    public IReadOnlyList<RungReport> Reports => _attached.Reports;

    /// <summary>The logical hooks this probe serves (metric label values).</summary>
    public static IReadOnlyList<string> Hooks { get; } = ["tcp_sendmsg", "tcp_recvmsg"];

    /// <summary>The definition with default series settings (`netscope probe`, tests).</summary>
    public static ProbeDefinition Definition { get; } = CreateDefinition(new Configuration.TcpSeriesSettings(), new Configuration.EventsSettings());

    /// <summary>
    /// Rungs best first, each with its entry programs; every rung feeds the same handlers. The series maps
    /// hold both roles of every configured port and of "other", plus the dynamic cap.
    /// </summary>
    public static ProbeDefinition CreateDefinition(Configuration.TcpSeriesSettings series, Configuration.EventsSettings events) => new(
        ProbeName,
        "tcp_latency",
        [
            new RungPrograms(
                HookRung.Fentry,
                HookSet.Tcp,
                [
                    new("fentry_tcp_sendmsg", "tcp_sendmsg", p => p.AttachTrace()),
                    new("fexit_tcp_recvmsg", "tcp_recvmsg", p => p.AttachTrace()),
                ],
                ["tcp_sendmsg", "tcp_recvmsg"],
                []),
            new RungPrograms(
                HookRung.Kprobe,
                HookSet.Tcp,
                [
                    new("kprobe_tcp_sendmsg", "tcp_sendmsg", p => p.AttachKprobe("tcp_sendmsg", returnProbe: false)),
                    new("kprobe_tcp_recvmsg", "tcp_recvmsg", p => p.AttachKprobe("tcp_recvmsg", returnProbe: false)),
                    new("kretprobe_tcp_recvmsg", "tcp_recvmsg", p => p.AttachKprobe("tcp_recvmsg", returnProbe: true)),
                ],
                ["tcp_sendmsg", "tcp_recvmsg"],
                []),
            new RungPrograms(
                HookRung.Tracepoint,
                HookSet.Sock,
                [
                    new("tp_sock_send_length", "tcp_sendmsg", p => p.AttachTracepoint("sock", "sock_send_length")),
                    new("tp_sock_recv_length", "tcp_recvmsg", p => p.AttachTracepoint("sock", "sock_recv_length")),
                ],
                [],
                ["sock/sock_send_length", "sock/sock_recv_length"]),
            SyscallTracepoints.Rung,
        ],
        [
            new HookProgram("tp_inet_sock_set_state", "tcp_state", p => p.AttachTracepoint("sock", "inet_sock_set_state")),
            new HookProgram("tp_tcp_retransmit_skb", "tcp_retransmit", p => p.AttachTracepoint("tcp", "tcp_retransmit_skb")),
        ],
        Configure: bpf =>
        {
            int entries = (2 * (series.Ports.Count + 1)) + series.MaxTrackedSeries;
            foreach (string map in s_seriesMaps)
            {
                bpf.FindMap(map).MaxEntries = entries;
            }

            bpf.FindMap("tcp_events").MaxEntries = events.RingSize;
        },
        Prepare: bpf =>
        {
            // Reserved series exist before any program runs, so dynamic ones can never take their room.
            foreach (string map in s_seriesMaps)
            {
                CreateReservedSeries(bpf.FindMap(map), series.Ports);
            }
        });

    private static void CreateReservedSeries(BpfMap map, IReadOnlyList<ushort> ports)
    {
        byte[] zero = new byte[((map.ValueSize + 7) & ~7) * BpfMap.PossibleCpus];
        foreach (TcpRole role in new[] { TcpRole.Server, TcpRole.Client })
        {
            foreach (ushort port in ports.Append(OtherPort))
            {
                TcpLatKey key = new() { Role = role, Port = port };
                map.UpdateRaw(System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<TcpLatKey>(in key)), zero);
            }
        }
    }

    /// <summary>TCP_PORT_OTHER: the series of ports beyond the cap.</summary>
    public const ushort OtherPort = 0;

    /// <summary>Loads and attaches through the best allowed rung.</summary>
    /// <param name="selector">Tries the rungs.</param>
    /// <param name="allowed">Rungs the probe may use.</param>
    /// <param name="series">Series settings (tcp:), default when null.</param>
    /// <param name="events">Event settings (events:), default when null.</param>
    /// <param name="tracepointHooks">Forces the tracepoint rung's hook set; null chooses automatically (sock, else syscalls).</param>
    public static TcpLatencyProbe Attach(
        RungSelector selector,
        IReadOnlySet<HookRung> allowed,
        Configuration.TcpSeriesSettings? series = null,
        Configuration.EventsSettings? events = null,
        HookSet? tracepointHooks = null)
    {
        events ??= new Configuration.EventsSettings();
        return new(selector.Attach(CreateDefinition(series ?? new Configuration.TcpSeriesSettings(), events), allowed, tracepointHooks), events);
    }

    /// <summary>Reads every request/response latency series, summing the per-CPU values.</summary>
    public List<TcpLatencySeries> ReadLatency() => ReadHistograms(_histograms);

    /// <summary>Reads every smoothed-RTT series (sampled when a request completes).</summary>
    public List<TcpLatencySeries> ReadRtt() => ReadHistograms(_rtt);

    /// <summary>Per-series byte, connection and retransmit counts, summed over CPUs.</summary>
    public List<(TcpLatKey Key, TcpSeriesStats Stats)> ReadSeriesStats()
    {
        var result = new List<(TcpLatKey, TcpSeriesStats)>();
        var perCpu = new TcpSeriesStats[BpfMap.PossibleCpus];
        foreach (TcpLatKey key in _stats.Keys<TcpLatKey>())
        {
            if (!_stats.TryLookupPerCpu(key, perCpu.AsSpan()))
            {
                continue;
            }

            var total = default(TcpSeriesStats);
            foreach (TcpSeriesStats cpu in perCpu)
            {
                total.BytesSent += cpu.BytesSent;
                total.BytesReceived += cpu.BytesReceived;
                total.ConnsOpened += cpu.ConnsOpened;
                total.ConnsClosed += cpu.ConnsClosed;
                total.Retransmits += cpu.Retransmits;
            }

            result.Add((key, total));
        }

        return result;
    }

    private static unsafe List<TcpLatencySeries> ReadHistograms(BpfMap map)
    {
        var result = new List<TcpLatencySeries>();
        var perCpu = new TcpLatHist[BpfMap.PossibleCpus];
        foreach (TcpLatKey key in map.Keys<TcpLatKey>())
        {
            if (!map.TryLookupPerCpu(key, perCpu.AsSpan()))
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
    public ulong ReadCounter(TcpCounter counter) => ReadCounters()[(int)counter];

    /// <summary>Reads every counter of tcp_counters (indexed by <see cref="TcpCounter"/>), summed over CPUs, in one syscall.</summary>
    public ulong[] ReadCounters() => _counters.SumPerCpuCounters();

    /// <summary>Detaches every link and unloads the object.</summary>
    public void Dispose() => _attached.Dispose();
}
