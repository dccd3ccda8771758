using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Aggregation;
using NetScope.Agent.Probes;
using NetScope.Exporters.Abstractions;
using NetScope.Native;
using Prometheus;

namespace NetScope.Agent.Hosting;

/// <summary>
/// Owns the tcp_latency probe for the host's lifetime: attach on start, detach on stop. Exposes its
/// kernel state at scrape time (histograms through <see cref="IKernelHistogramSource"/>, counters and
/// the attach state through prometheus-net's before-collect callback).
/// </summary>
internal sealed class TcpLatencyService : IHostedService, IKernelHistogramSource, IDisposable
{
    private static readonly string[] s_labelNames = ["role", "port"];

    /// <summary>OTel scale of the Prometheus buckets: 0 = powers of two from 1 µs, merged exactly from the kernel's scale 2.</summary>
    private const int PrometheusScale = 0;

    private readonly AgentOptions _options;
    private readonly RungSelector _selector;
    private readonly ILogger<TcpLatencyService> _logger;
    private readonly Counter _sendCalls;
    private readonly Counter _recvCalls;
    private readonly Gauge _trackedSockets;
    private readonly Counter _untrackedSockets;
    private readonly Counter _timedSends;
    private readonly Counter _timedReceives;
    private readonly Counter _receiveTimeChecks;
    private bool _receiveTimesFromClockLogged;
    private readonly Gauge _attached;
    private readonly Counter _bytesSent;
    private readonly Counter _bytesReceived;
    private readonly Counter _connsOpened;
    private readonly Counter _connsClosed;
    private readonly Counter _retransmits;
    private readonly Gauge _mapEntries;

    /// <summary>The series read by the scrape's before-collect callback, taken by its histogram collection.</summary>
    private TcpSeriesSnapshot? _scrapeSeries;
    private readonly Gauge _mapMaxEntries;
    private readonly Lock _gate = new();
    private TcpLatencyProbe? _probe;

    private readonly Readiness _readiness;

    public TcpLatencyService(AgentOptions options, RungSelector selector, CollectorRegistry registry, Readiness readiness, ILogger<TcpLatencyService> logger)
    {
        _options = options;
        _readiness = readiness;
        readiness.Expect();
        _selector = selector;
        _logger = logger;
        MetricFactory metrics = Metrics.WithCustomRegistry(registry);
        _sendCalls = metrics.CreateCounter("netscope_tcp_send_calls_total", "tcp_sendmsg calls seen by the tcp_latency probe.");
        _recvCalls = metrics.CreateCounter("netscope_tcp_recv_calls_total", "tcp_recvmsg calls seen by the tcp_latency probe.");
        _trackedSockets = metrics.CreateGauge("netscope_tcp_tracked_sockets", "TCP sockets the tcp_latency probe holds a state for (reached ESTABLISHED, not yet closed), by where the state is kept.",
            new GaugeConfiguration { LabelNames = ["storage"] });
        _untrackedSockets = metrics.CreateCounter("netscope_tcp_untracked_sockets_total", "TCP sockets that reached ESTABLISHED but got no state (no memory): their traffic is not recorded.");
        _timedSends = metrics.CreateCounter("netscope_tcp_timed_sends_total", "Sends the tcp_latency probe took a time for (a client's request start, a server's response), by where the time came from: transmit (the stack's own clock read for sending the data) or clock (read by the probe).",
            new CounterConfiguration { LabelNames = ["source"] });
        _timedReceives = metrics.CreateCounter("netscope_tcp_timed_receives_total", "Receives the tcp_latency probe took a time for (a server's request start, a client's response), by where the time came from: recvmsg (the stack's own clock read while copying the data, up to Linux 6.18) or clock (read by the probe).",
            new CounterConfiguration { LabelNames = ["source"] });
        _receiveTimeChecks = metrics.CreateCounter("netscope_tcp_receive_time_checks_total", $"Sampled checks of the stack's receive time against the clock, by result: fresh, or stale (older than {TcpLatencyProbe.ReceiveMaxAgeNs / 1000} us; {TcpLatencyProbe.ReceiveStaleStrikes} in a row make receives read the clock).",
            new CounterConfiguration { LabelNames = ["result"] });
        _attached = metrics.CreateGauge("netscope_probe_attached", "1 for the hook rung and hook set each probe uses, 0 for those refused or not chosen.",
            new GaugeConfiguration { LabelNames = ["probe", "hook", "rung", "hook_set"] });
        string[] series = ["role", "port"];
        _bytesSent = metrics.CreateCounter("netscope_tcp_bytes_sent_total", "Bytes sent on the series' sockets.", new CounterConfiguration { LabelNames = series });
        _bytesReceived = metrics.CreateCounter("netscope_tcp_bytes_received_total", "Bytes received on the series' sockets.", new CounterConfiguration { LabelNames = series });
        _connsOpened = metrics.CreateCounter("netscope_tcp_connections_opened_total", "Connections of the series that reached ESTABLISHED.", new CounterConfiguration { LabelNames = series });
        _connsClosed = metrics.CreateCounter("netscope_tcp_connections_closed_total", "Tracked connections of the series that closed.", new CounterConfiguration { LabelNames = series });
        _retransmits = metrics.CreateCounter("netscope_tcp_retransmits_total", "Segments retransmitted on the series' sockets.", new CounterConfiguration { LabelNames = series });
        _mapEntries = metrics.CreateGauge("netscope_bpf_map_entries", "Entries in a series-keyed BPF map (cardinality in use).", new GaugeConfiguration { LabelNames = ["map"] });
        _mapMaxEntries = metrics.CreateGauge("netscope_bpf_map_max_entries", "Capacity of a series-keyed BPF map: configured ports and \"other\" for both roles plus tcp.max_tracked_ports.", new GaugeConfiguration { LabelNames = ["map"] });
        registry.AddBeforeCollectCallback(UpdateCounters);
    }

    /// <summary>The attached probe, or null before start and after stop.</summary>
    public TcpLatencyProbe? Probe => _probe;

    /// <summary>When the probe started counting (just before attach): the start of every cumulative value.</summary>
    public DateTimeOffset AttachedAt { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        AttachedAt = DateTimeOffset.UtcNow;
        TcpLatencyProbe probe = TcpLatencyProbe.Attach(_selector, _options.AllowedRungs, _options.Config.Tcp, _options.Config.Events, _options.Config.TracepointHooks);
        foreach (RungReport report in probe.Reports)
        {
            _logger.LogInformation("Probe {Probe}: rung {Rung} {State}: {Reason}", TcpLatencyProbe.ProbeName, report.Name,
                report.Chosen ? "in use" : report.Available ? "available" : "refused", report.Reason);
            foreach (string hook in TcpLatencyProbe.Hooks)
            {
                _attached.WithLabels(TcpLatencyProbe.ProbeName, hook, Names.Of(report.Rung), Names.Of(report.HookSet)).Set(report.Chosen ? 1 : 0);
            }
        }

        lock (_gate)
        {
            _probe = probe;
        }

        _readiness.Ready();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _probe?.Dispose();
            _probe = null;
        }
    }

    public IReadOnlyList<KernelHistogramFamily> CollectHistograms()
    {
        // A /metrics scrape reads the series once: the before-collect callback (UpdateCounters) already
        // took this scrape's snapshot for the counters. Any other caller finds none pending and reads.
        TcpSeriesSnapshot? series = Interlocked.Exchange(ref _scrapeSeries, null);
        if (series is null)
        {
            lock (_gate)
            {
                series = _probe?.ReadSeries();
            }
        }

        return
        [
            Family(
                "netscope_tcp_request_duration_seconds",
                "TCP request/response latency per socket role and port, counted in the kernel (server: first request bytes received to first response bytes sent; client: first request bytes sent to first response bytes received).",
                series?.Latency ?? []),
            Family(
                "netscope_tcp_rtt_seconds",
                "Smoothed round-trip time (tcp_sock srtt) of the series' sockets, sampled in the kernel when a request completes.",
                series?.Rtt ?? []),
        ];
    }

    /// <summary>The role label value.</summary>
    public static string RoleLabel(TcpRole role) => role == TcpRole.Server ? "server" : "client";

    /// <summary>The port label value: the number, or "other" for the series beyond the cap.</summary>
    public static string PortLabel(ushort port) =>
        port == TcpLatencyProbe.OtherPort ? "other" : port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static KernelHistogramFamily Family(string name, string help, List<TcpLatencySeries> kernel) => new(
        name,
        help,
        s_labelNames,
        kernel
            .Where(s => s.Role != TcpRole.Unknown)
            .OrderBy(s => s.Role).ThenBy(s => s.Port)
            .Select(s =>
            {
                (double[] bounds, ulong[] counts) = ExponentialBuckets.Merge(s.Slots, PrometheusScale);
                return new KernelHistogramSeries([RoleLabel(s.Role), PortLabel(s.Port)], bounds, counts, s.SumNs / 1e9);
            })
            .ToList());

    private void UpdateCounters()
    {
        lock (_gate)
        {
            if (_probe is null)
            {
                return;
            }

            ulong[] counters = _probe.ReadCounters();
            _sendCalls.IncTo(counters[(int)TcpCounter.SendCalls]);
            _recvCalls.IncTo(counters[(int)TcpCounter.RecvCalls]);
            _trackedSockets.WithLabels(_probe.SocketStorage).Set(TcpLatencyProbe.TrackedSockets(counters));
            _untrackedSockets.IncTo(counters[(int)TcpCounter.SocketsUntracked]);
            _timedSends.WithLabels("transmit").IncTo(counters[(int)TcpCounter.SendTimesTransmit]);
            _timedSends.WithLabels("clock").IncTo(counters[(int)TcpCounter.SendTimesClock]);
            _timedReceives.WithLabels("recvmsg").IncTo(counters[(int)TcpCounter.ReceiveTimesStack]);
            _timedReceives.WithLabels("clock").IncTo(counters[(int)TcpCounter.ReceiveTimesClock]);
            ulong stale = counters[(int)TcpCounter.ReceiveTimeStale];
            _receiveTimeChecks.WithLabels("fresh").IncTo(counters[(int)TcpCounter.ReceiveTimeChecks] - Math.Min(stale, counters[(int)TcpCounter.ReceiveTimeChecks]));
            _receiveTimeChecks.WithLabels("stale").IncTo(stale);
            // The programs turn the stack's receive times off only after that many stale checks: until then the map
            // read is not worth a syscall per poll (a busy host sees a few stale checks in ten thousand for ever).
            if (stale >= TcpLatencyProbe.ReceiveStaleStrikes && !_receiveTimesFromClockLogged && _probe.ReceiveTimesFromClock)
            {
                _receiveTimesFromClockLogged = true;
                _logger.LogWarning("The time tcp_recvmsg reads was stale in {Strikes} checks in a row ({Stale} stale of {Checks} checks): this kernel ({Kernel}) no longer refreshes it when reading, so receives now read the clock (docs/kernels.md, \"Where the times come from\").",
                    TcpLatencyProbe.ReceiveStaleStrikes, stale, counters[(int)TcpCounter.ReceiveTimeChecks], BuildInfoMetric.KernelRelease);
            }
            TcpSeriesSnapshot series = _probe.ReadSeries();
            Volatile.Write(ref _scrapeSeries, series);
            foreach ((TcpLatKey key, TcpSeriesStats stats) in series.Stats)
            {
                if (key.Role == TcpRole.Unknown)
                {
                    continue;
                }

                string role = RoleLabel(key.Role), port = PortLabel(key.Port);
                _bytesSent.WithLabels(role, port).IncTo(stats.BytesSent);
                _bytesReceived.WithLabels(role, port).IncTo(stats.BytesReceived);
                _connsOpened.WithLabels(role, port).IncTo(stats.ConnsOpened);
                _connsClosed.WithLabels(role, port).IncTo(stats.ConnsClosed);
                _retransmits.WithLabels(role, port).IncTo(stats.Retransmits);
            }

            foreach ((string map, int entries, int maxEntries) in _probe.SeriesMapOccupancy(series))
            {
                _mapEntries.WithLabels(map).Set(entries);
                _mapMaxEntries.WithLabels(map).Set(maxEntries);
            }
        }
    }
}
