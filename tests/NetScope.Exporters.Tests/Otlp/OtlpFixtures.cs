using NetScope.Exporters.Abstractions;

namespace NetScope.Exporters.Tests.Otlp;

/// <summary>A fixed snapshot: one exponential histogram with two series, one counter.</summary>
internal sealed class OtlpFixtureSource : ICumulativeMetricSource
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public static KeyValuePair<string, string>[] Series(string role, string port) => [new("role", role), new("port", port)];

    public CumulativeMetricSnapshot? Snapshot { get; set; } = new(
        Start,
        [
            new ExponentialHistogramMetric("netscope.tcp.request.duration", "latency", "us",
            [
                new ExponentialHistogramSeries(Series("server", "8080"), 2, 1.0, 3, 5, [7, 0, 1], 123.5),
                new ExponentialHistogramSeries(Series("client", "other"), 2, 1.0, 0, 104, [2], 1e9),
            ]),
        ],
        [new CounterMetric("netscope.tcp.bytes.sent", "bytes", "By", [new CounterSeries(Series("server", "8080"), 4096)])]);

    public int Collected { get; private set; }

    public CumulativeMetricSnapshot? Collect()
    {
        Collected++;
        return Snapshot;
    }
}
