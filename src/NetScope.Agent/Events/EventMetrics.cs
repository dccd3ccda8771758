using Prometheus;

namespace NetScope.Agent.Events;

/// <summary>
/// The netscope_events_* families shared by every ring buffer (label ring): what was received, what was
/// lost and where, and the sampling ratio in force. prometheus-net hands every creator of the same family
/// the same instance, so each ring's owner constructs one of these from the host's registry.
/// </summary>
internal sealed class EventMetrics
{
    private readonly Counter _received;
    private readonly Counter _lost;
    private readonly Gauge _sampleRatio;

    public EventMetrics(CollectorRegistry registry)
    {
        MetricFactory metrics = Metrics.WithCustomRegistry(registry);
        _received = metrics.CreateCounter("netscope_events_received_total", "Ring buffer records received by the agent.",
            new CounterConfiguration { LabelNames = ["ring"] });
        _lost = metrics.CreateCounter("netscope_events_lost_total",
            "Ring buffer records lost, by where: kernel (ring full at reserve), malformed (did not decode).",
            new CounterConfiguration { LabelNames = ["ring", "source"] });
        _sampleRatio = metrics.CreateGauge("netscope_events_sample_ratio",
            "Fraction of due events the kernel keeps (1 = all; lowered when the rate exceeds events.budget). Histograms are never sampled.",
            new GaugeConfiguration { LabelNames = ["ring"] });
    }

    /// <summary>Sets one ring's series to the given totals.</summary>
    public void Report(string ring, long received, ulong kernelLost, long malformed, double sampleRatio)
    {
        _received.WithLabels(ring).IncTo(received);
        _lost.WithLabels(ring, "kernel").IncTo(kernelLost);
        _lost.WithLabels(ring, "malformed").IncTo(malformed);
        _sampleRatio.WithLabels(ring).Set(sampleRatio);
    }
}
