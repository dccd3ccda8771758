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
    private readonly Gauge _attached;
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
        _attached = metrics.CreateGauge("netscope_probe_attached", "1 for the hook rung each probe uses, 0 for rungs refused or not chosen.",
            new GaugeConfiguration { LabelNames = ["probe", "hook", "rung"] });
        registry.AddBeforeCollectCallback(UpdateCounters);
    }

    /// <summary>The attached probe, or null before start and after stop.</summary>
    public TcpLatencyProbe? Probe => _probe;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        TcpLatencyProbe probe = TcpLatencyProbe.Attach(_selector, _options.AllowedRungs);
        foreach (RungReport report in probe.Reports)
        {
            _logger.LogInformation("Probe {Probe}: rung {Rung} {State}: {Reason}", TcpLatencyProbe.ProbeName, Names.Of(report.Rung),
                report.Chosen ? "in use" : report.Available ? "available" : "refused", report.Reason);
            foreach (string hook in TcpLatencyProbe.Hooks)
            {
                _attached.WithLabels(TcpLatencyProbe.ProbeName, hook, Names.Of(report.Rung)).Set(report.Chosen ? 1 : 0);
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
        List<TcpLatencySeries> latency;
        lock (_gate)
        {
            latency = _probe?.ReadLatency() ?? [];
        }

        var series = latency
            .Where(s => s.Role != TcpRole.Unknown)
            .OrderBy(s => s.Role).ThenBy(s => s.Port)
            .Select(s =>
            {
                (double[] bounds, ulong[] counts) = ExponentialBuckets.Merge(s.Slots, PrometheusScale);
                return new KernelHistogramSeries(
                    [s.Role == TcpRole.Server ? "server" : "client", s.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
                    bounds,
                    counts,
                    s.SumNs / 1e9);
            })
            .ToList();
        return
        [
            new KernelHistogramFamily(
                "netscope_tcp_request_duration_seconds",
                "TCP request/response latency per socket role and port, counted in the kernel (server: first request bytes received to first response bytes sent).",
                s_labelNames,
                series),
        ];
    }

    private void UpdateCounters()
    {
        lock (_gate)
        {
            if (_probe is null)
            {
                return;
            }

            _sendCalls.IncTo(_probe.ReadCounter(TcpCounter.SendCalls));
            _recvCalls.IncTo(_probe.ReadCounter(TcpCounter.RecvCalls));
        }
    }
}
