using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Events;
using NetScope.Agent.Probes;
using NetScope.Exporters.Abstractions;
using NetScope.Native;
using Prometheus;

namespace NetScope.Agent.Hosting;

/// <summary>
/// Reads the tcp_events ring of the attached TCP probe: keeps the newest events of each type for
/// GET /api/v1/events, accounts for every record (netscope_events_*), and once a second adapts the
/// kernel's sampling shift to events.budget. Registered after <see cref="TcpLatencyService"/>, so it
/// starts after the probe attaches and stops before the probe is freed.
/// </summary>
internal sealed class TcpEventsService : BackgroundService, IEventsView
{
    public const string Ring = "tcp_events";
    private static readonly TimeSpan s_controlPeriod = TimeSpan.FromSeconds(1);

    private readonly Configuration.EventsSettings _settings;
    private readonly TcpLatencyService _latency;
    private readonly EventMetrics _metrics;
    private readonly ILogger<TcpEventsService> _logger;
    private readonly TcpEventPresenter _presenter;
    private TcpEventIngest? _ingest;
    private ulong _kernelLost;
    private int _shift;

    public TcpEventsService(AgentOptions options, TcpLatencyService latency, CollectorRegistry registry, ILogger<TcpEventsService> logger)
    {
        _settings = options.Config.Events;
        _latency = latency;
        _logger = logger;
        _metrics = new EventMetrics(registry);
        _presenter = new TcpEventPresenter(_settings.ExposeAddresses, options.Config.TruncateSourceIps);
    }

    public TcpEventsSnapshot GetRecent(string? type, int limit)
    {
        TcpEventIngest? ingest = _ingest;
        List<TcpEventRecord> records = ingest?.Newest(TcpEventPresenter.ParseTypeName(type), limit) ?? [];
        ulong monotonicNow = MonotonicClock.NowNs;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        long received = ingest?.Received ?? 0;
        ulong lost = Volatile.Read(ref _kernelLost) + (ulong)(ingest?.Malformed ?? 0);
        return new TcpEventsSnapshot(
            EventSampling.Ratio(Volatile.Read(ref _shift)),
            received,
            lost,
            records.Select(e => _presenter.Present(e, monotonicNow, now)).ToList());
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TcpLatencyProbe? probe = _latency.Probe;
        if (probe is null)
        {
            return;
        }

        using var ingest = new TcpEventIngest(probe.Events, _settings.Keep, _logger);
        _ingest = ingest;
        ingest.Start();
        _metrics.Report(Ring, 0, 0, 0, 1);
        await ControlSamplingAsync(probe, ingest, stoppingToken);
    }

    /// <summary>Once a period: the kernel's counters, the metrics, and the sampling shift for the rate offered.</summary>
    private async Task ControlSamplingAsync(TcpLatencyProbe probe, TcpEventIngest ingest, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_controlPeriod);
        ulong lastOffered = probe.ReadCounters()[(int)TcpCounter.EventsOffered];
        long lastTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
        while (await WaitOneTickAsync(timer, stoppingToken))
        {
            ulong[] counters = probe.ReadCounters();
            double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(lastTimestamp).TotalSeconds;
            lastTimestamp = System.Diagnostics.Stopwatch.GetTimestamp();
            ulong offered = counters[(int)TcpCounter.EventsOffered];
            double offeredPerSecond = (offered - lastOffered) / seconds;
            int next = EventSampling.NextShift(_shift, offeredPerSecond, _settings.Budget, TcpLatencyProbe.MaxSampleShift);
            lastOffered = offered;
            if (next != _shift)
            {
                probe.SetEventSampleShift(next);
                _logger.LogInformation("tcp_events: {Rate:F0} events/s offered against a budget of {Budget}/s: keeping 1 in {Keep}",
                    offeredPerSecond, _settings.Budget, 1L << next);
                Volatile.Write(ref _shift, next);
            }

            Volatile.Write(ref _kernelLost, counters[(int)TcpCounter.EventsLost]);
            _metrics.Report(Ring, ingest.Received, counters[(int)TcpCounter.EventsLost], ingest.Malformed, EventSampling.Ratio(next));
        }
    }

    /// <summary>False when the host is stopping (cancellation ends the loop, it is not an error).</summary>
    private static async Task<bool> WaitOneTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
