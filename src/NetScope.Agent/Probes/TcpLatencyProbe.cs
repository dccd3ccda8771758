using NetScope.Native;

namespace NetScope.Agent.Probes;

/// <summary>One request/response latency series read from the kernel, summed over CPUs.</summary>
/// <param name="Role">Server or client.</param>
/// <param name="Port">Server: local port; client: remote port.</param>
/// <param name="Slots">Counts per slot (see Log2LatencyBuckets).</param>
/// <param name="SumNs">Sum of samples in nanoseconds.</param>
/// <param name="Count">Number of samples.</param>
internal sealed record TcpLatencySeries(TcpRole Role, ushort Port, ulong[] Slots, ulong SumNs, ulong Count);

/// <summary>Every series read from the kernel in one pass, summed over CPUs.</summary>
/// <param name="Stats">Byte, connection and retransmit counts of every series.</param>
/// <param name="Latency">Request/response latency of the reserved series (configured ports, "other") and of those with samples.</param>
/// <param name="Rtt">Smoothed RTT of the reserved series and of those with samples.</param>
internal sealed record TcpSeriesSnapshot(
    List<(TcpLatKey Key, TcpSeriesStats Stats)> Stats,
    List<TcpLatencySeries> Latency,
    List<TcpLatencySeries> Rtt);

/// <summary>
/// bpf/tcp_latency.bpf.c: request/response latency on tcp_sendmsg/tcp_recvmsg through the best rung.
/// </summary>
internal sealed class TcpLatencyProbe : IDisposable
{
    public const string ProbeName = "tcp_latency";

    /// <summary>The series maps (values, keys, free indexes), all sized for the cardinality cap.</summary>
    private static readonly string[] s_seriesMaps = ["tcp_series", "tcp_series_keys", "tcp_series_free"];

    private readonly AttachedProbe _attached;
    private readonly BpfMap _series;
    private readonly BpfMap _seriesKeys;
    private readonly BpfMap _counters;
    private readonly BpfMap _eventSampling;
    private readonly BpfMap _receiveTime;

    private TcpLatencyProbe(AttachedProbe attached)
    {
        _attached = attached;
        _series = attached.Object.FindMap("tcp_series");
        _seriesKeys = attached.Object.FindMap("tcp_series_keys");
        _counters = attached.Object.FindMap("tcp_counters");
        _eventSampling = attached.Object.FindMap("tcp_event_sampling");
        _receiveTime = attached.Object.FindMap(TcpReceiveTimeState.Section);
        Events = attached.Object.FindMap("tcp_events");
    }

    /// <summary>The tcp_events ring buffer (connection closes and slow requests).</summary>
    public BpfMap Events { get; }

    /// <summary>The sampling shift in force: one event in 2^shift is kept.</summary>
    public int EventSampleShift { get; private set; }

    /// <summary>Sets the sampling shift the programs read (0..<see cref="MaxSampleShift"/>).</summary>
    public void SetEventSampleShift(int shift)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shift);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(shift, MaxSampleShift);
        _eventSampling.Update(0u, (uint)shift);
        EventSampleShift = shift;
    }

    /// <summary>
    /// True once the programs' checks found the time tcp_recvmsg read stale too often in a row (a kernel that stopped
    /// refreshing it) and turned it off: receives then read the clock.
    /// </summary>
    public bool ReceiveTimesFromClock => _receiveTime.TryLookup(0u, out TcpReceiveTimeState state) && state.FromClock != 0;

    /// <summary>The largest shift bpf/tcp_latency.bpf.c honours (TCP_EVENT_MAX_SAMPLE_SHIFT).</summary>
    public const int MaxSampleShift = 16;

    /// <summary>
    /// The load-time configuration of bpf/tcp_latency.bpf.c: which events the programs emit. Constants to the
    /// verifier once loaded, so checking them costs the programs nothing (they used to read a map per request).
    /// </summary>
    internal static TcpLatencyConfig LoadConfig(Configuration.EventsSettings events) => new()
    {
        SlowThresholdNs = events.SlowThreshold is { } slow ? (ulong)slow.Ticks * 100 : 0,
        CloseEvents = events.ConnectionClose ? 1u : 0u,
        ReceiveCheckShift = ReceiveCheckShift,
        ReceiveMaxAgeNs = ReceiveMaxAgeNs,
    };

    /// <summary>
    /// One receive in 64 that takes the time tcp_recvmsg read (recv_time_ns in bpf/tcp_latency.bpf.c) also reads the
    /// clock to check it: a kernel that stopped refreshing that time under an older version shows in a few hundred
    /// receives, and the checks cost 1/64 of the clock reads they save.
    /// </summary>
    internal const uint ReceiveCheckShift = 6;

    /// <summary>
    /// How far a checked stack time may lag the clock. Where tcp_recvmsg refreshes it, the lag is the rest of the call
    /// after its last copy: 64-512 ns for 99.8 % of ping-pong receives (bench/NOTES.md), so 20 us passes an interrupt
    /// in that window, while a time left from the data's arrival lags by at least a wake-up.
    /// </summary>
    internal const ulong ReceiveMaxAgeNs = 20_000;

    /// <summary>Stale checks in a row that turn the stack's receive times off (TCP_RECV_STALE_STRIKES).</summary>
    internal const int ReceiveStaleStrikes = 8;

    /// <summary>
    /// The series-keyed map with its entry count and capacity (netscope_bpf_map_entries), counted from a
    /// snapshot <see cref="ReadSeries"/> just took (one per key, and keys are never deleted) rather than by
    /// walking the map's keys a second time.
    /// </summary>
    public IEnumerable<(string Map, int Entries, int MaxEntries)> SeriesMapOccupancy(TcpSeriesSnapshot series) =>
        [(_seriesKeys.Name, series.Stats.Count, _seriesKeys.MaxEntries)];

    /// <summary>Where the rung in use keeps the per-socket state: sk_storage (no capacity) or lru_hash (<see cref="SocketStateStorage.LruCapacity"/> sockets).</summary>
    public string SocketStorage => _attached.Shared.Name;

    /// <summary>
    /// Sockets holding a state now: given one at ESTABLISHED and not yet closed, from per-CPU counters (an
    /// sk_storage map cannot be counted by iterating it). On the LRU hash a state evicted when it was full
    /// stays counted, so a figure at or above its capacity means states may have been evicted.
    /// </summary>
    public static ulong TrackedSockets(ulong[] counters) =>
        counters[(int)TcpCounter.SocketsTracked] - Math.Min(counters[(int)TcpCounter.SocketsReleased], counters[(int)TcpCounter.SocketsTracked]);

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
    /// <param name="series">Series settings (tcp:).</param>
    /// <param name="events">Event settings (events:).</param>
    /// <param name="loadConfig">Replaces what <see cref="LoadConfig"/> makes of <paramref name="events"/> (tests).</param>
    public static ProbeDefinition CreateDefinition(Configuration.TcpSeriesSettings series, Configuration.EventsSettings events, TcpLatencyConfig? loadConfig = null) => new(
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
                [],
                SocketStateStorage.SkStorage),
            new RungPrograms(
                HookRung.Kprobe,
                HookSet.Tcp,
                [
                    new("kprobe_tcp_sendmsg", "tcp_sendmsg", p => p.AttachKprobe("tcp_sendmsg", returnProbe: false)),
                    new("kprobe_tcp_recvmsg", "tcp_recvmsg", p => p.AttachKprobe("tcp_recvmsg", returnProbe: false)),
                    new("kretprobe_tcp_recvmsg", "tcp_recvmsg", p => p.AttachKprobe("tcp_recvmsg", returnProbe: true)),
                ],
                ["tcp_sendmsg", "tcp_recvmsg"],
                [],
                SocketStateStorage.LruHash),
            new RungPrograms(
                HookRung.Tracepoint,
                HookSet.Sock,
                [
                    new("btf_sock_send_length", "tcp_sendmsg", p => p.AttachTrace()),
                    new("btf_sock_recv_length", "tcp_recvmsg", p => p.AttachTrace()),
                ],
                [],
                ["sock/sock_send_length", "sock/sock_recv_length"],
                SocketStateStorage.SkStorage),
            SyscallTracepoints.Rung,
        ],
        Configure: bpf =>
        {
            int entries = (2 * (series.Ports.Count + 1)) + series.MaxTrackedSeries;
            foreach (string map in s_seriesMaps)
            {
                bpf.FindMap(map).MaxEntries = entries;
            }

            bpf.FindMap("tcp_events").MaxEntries = events.RingSize;
            bpf.FindMap(TcpLatencyConfig.Section).SetInitialValue(loadConfig ?? LoadConfig(events));
        },
        Prepare: bpf => CreateSeries(bpf.FindMap("tcp_series"), bpf.FindMap("tcp_series_keys"), bpf.FindMap("tcp_series_free"), series.Ports));

    /// <summary>
    /// Gives the reserved series (configured ports and "other", both roles) the first indexes of tcp_series
    /// before any program runs, so dynamic ones can never take their room, and queues every other index
    /// in tcp_series_free, where a new series takes its own.
    /// </summary>
    private static void CreateSeries(BpfMap values, BpfMap keys, BpfMap free, IReadOnlyList<ushort> ports)
    {
        uint next = 0;
        foreach (TcpRole role in new[] { TcpRole.Server, TcpRole.Client })
        {
            foreach (ushort port in ports.Append(OtherPort).Distinct())
            {
                keys.Update(new TcpLatKey { Role = role, Port = port }, new TcpSeriesSlot { Index = next++, Reserved = 1 }, BpfUpdateFlags.NoExist);
            }
        }

        for (uint index = next; index < (uint)values.MaxEntries; index++)
        {
            free.Push(index);
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
    /// <param name="loadConfig">Replaces the load-time configuration made from <paramref name="events"/> (tests).</param>
    public static TcpLatencyProbe Attach(
        RungSelector selector,
        IReadOnlySet<HookRung> allowed,
        Configuration.TcpSeriesSettings? series = null,
        Configuration.EventsSettings? events = null,
        HookSet? tracepointHooks = null,
        TcpLatencyConfig? loadConfig = null)
    {
        events ??= new Configuration.EventsSettings();
        return new(selector.Attach(CreateDefinition(series ?? new Configuration.TcpSeriesSettings(), events, loadConfig), allowed, tracepointHooks));
    }

    /// <summary>Reads every request/response latency series, summing the per-CPU values.</summary>
    public List<TcpLatencySeries> ReadLatency() => ReadSeries().Latency;

    /// <summary>Reads every smoothed-RTT series (sampled when a request completes).</summary>
    public List<TcpLatencySeries> ReadRtt() => ReadSeries().Rtt;

    /// <summary>Per-series byte, connection and retransmit counts, summed over CPUs.</summary>
    public List<(TcpLatKey Key, TcpSeriesStats Stats)> ReadSeriesStats() => ReadSeries().Stats;

    /// <summary>
    /// Reads every series once: its counters and both histograms live in one tcp_series entry. A dynamic
    /// series' histogram is left out until its first sample, as the kernel's maps did when each value had
    /// its own map (so an idle port shows counters but no empty histogram).
    /// </summary>
    public TcpSeriesSnapshot ReadSeries()
    {
        var snapshot = new TcpSeriesSnapshot([], [], []);
        var perCpu = new TcpSeries[BpfMap.PossibleCpus];
        foreach (TcpLatKey key in _seriesKeys.Keys<TcpLatKey>())
        {
            if (!_seriesKeys.TryLookup(key, out TcpSeriesSlot slot) || !_series.TryLookupPerCpu(slot.Index, perCpu.AsSpan()))
            {
                continue;
            }

            var stats = default(TcpSeriesStats);
            foreach (ref readonly TcpSeries cpu in perCpu.AsSpan())
            {
                stats.BytesSent += cpu.Stats.BytesSent;
                stats.BytesReceived += cpu.Stats.BytesReceived;
                stats.ConnsOpened += cpu.Stats.ConnsOpened;
                stats.ConnsClosed += cpu.Stats.ConnsClosed;
                stats.Retransmits += cpu.Stats.Retransmits;
            }

            snapshot.Stats.Add((key, stats));
            bool reserved = slot.Reserved != 0;
            AddHistogram(snapshot.Latency, key, reserved, perCpu, static (in TcpSeries s) => ref s.Latency);
            AddHistogram(snapshot.Rtt, key, reserved, perCpu, static (in TcpSeries s) => ref s.Rtt);
        }

        return snapshot;
    }

    private delegate ref readonly TcpLatHist HistogramOf(in TcpSeries series);

    private static unsafe void AddHistogram(List<TcpLatencySeries> into, TcpLatKey key, bool reserved, ReadOnlySpan<TcpSeries> perCpu, HistogramOf histogram)
    {
        ulong count = 0;
        foreach (ref readonly TcpSeries cpu in perCpu)
        {
            count += histogram(in cpu).Count;
        }

        // Decided before summing the slots, so an idle dynamic series (left out) costs no slot array on the
        // heatmap's 1 s timer and every scrape.
        if (!reserved && count == 0)
        {
            return;
        }

        ulong[] slots = new ulong[TcpLatHist.SlotCount];
        ulong sum = 0;
        foreach (ref readonly TcpSeries cpu in perCpu)
        {
            ref readonly TcpLatHist hist = ref histogram(in cpu);
            for (int i = 0; i < TcpLatHist.SlotCount; i++)
            {
                slots[i] += hist.Slots[i];
            }

            sum += hist.SumNs;
        }

        into.Add(new TcpLatencySeries(key.Role, key.Port, slots, sum, count));
    }

    /// <summary>Reads one counter of tcp_counters, summed over CPUs.</summary>
    public ulong ReadCounter(TcpCounter counter) => ReadCounters()[(int)counter];

    /// <summary>Reads every counter of tcp_counters (indexed by <see cref="TcpCounter"/>), summed over CPUs, in one syscall.</summary>
    public ulong[] ReadCounters() => _counters.SumPerCpuCounters();

    /// <summary>Detaches every link and unloads the object.</summary>
    public void Dispose() => _attached.Dispose();
}
