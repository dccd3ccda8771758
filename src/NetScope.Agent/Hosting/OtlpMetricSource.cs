using NetScope.Agent.Aggregation;
using NetScope.Agent.Probes;
using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Hosting;

/// <summary>
/// The tcp_latency probe's kernel state as OTLP metrics (docs/metrics.md, "OTLP"): the latency and RTT
/// histograms with the kernel's own buckets, and the per-series counters as monotonic sums. Attributes are
/// the Prometheus labels: role (server/client) and port (number or "other").
/// </summary>
internal sealed class OtlpMetricSource(TcpLatencyService latency) : ICumulativeMetricSource
{
    public CumulativeMetricSnapshot? Collect()
    {
        TcpLatencyProbe? probe = latency.Probe;
        if (probe is null)
        {
            return null;
        }

        TcpSeriesSnapshot series = probe.ReadSeries();
        List<(TcpLatKey Key, TcpSeriesStats Stats)> stats = series.Stats;
        stats.RemoveAll(s => s.Key.Role == TcpRole.Unknown);
        stats.Sort((a, b) => Order(a.Key.Role, a.Key.Port).CompareTo(Order(b.Key.Role, b.Key.Port)));
        return new CumulativeMetricSnapshot(
            latency.AttachedAt,
            [
                Histogram(
                    "netscope.tcp.request.duration",
                    "TCP request/response latency per socket role and port, counted in the kernel (server: first request bytes received to first response bytes sent; client: first request bytes sent to first response bytes received).",
                    series.Latency),
                Histogram(
                    "netscope.tcp.rtt",
                    "Smoothed round-trip time (tcp_sock srtt) of the series' sockets, sampled in the kernel when a request completes.",
                    series.Rtt),
            ],
            [
                Counter("netscope.tcp.bytes.sent", "Bytes sent on the series' sockets.", "By", stats, s => s.BytesSent),
                Counter("netscope.tcp.bytes.received", "Bytes received on the series' sockets.", "By", stats, s => s.BytesReceived),
                Counter("netscope.tcp.connections.opened", "Connections of the series that reached ESTABLISHED.", "{connection}", stats, s => s.ConnsOpened),
                Counter("netscope.tcp.connections.closed", "Tracked connections of the series that closed.", "{connection}", stats, s => s.ConnsClosed),
                Counter("netscope.tcp.retransmits", "Segments retransmitted on the series' sockets.", "{segment}", stats, s => s.Retransmits),
            ]);
    }

    private static ExponentialHistogramMetric Histogram(string name, string description, List<TcpLatencySeries> series) => new(
        name,
        description,
        "us",
        series
            .Where(s => s.Role != TcpRole.Unknown)
            .OrderBy(s => Order(s.Role, s.Port))
            .Select(s => ExponentialHistogramExport.FromSlots(Attributes(s.Role, s.Port), s.Slots, s.SumNs))
            .ToList());

    private static CounterMetric Counter(string name, string description, string unit, List<(TcpLatKey Key, TcpSeriesStats Stats)> stats, Func<TcpSeriesStats, ulong> value) =>
        new(name, description, unit, stats.Select(s => new CounterSeries(Attributes(s.Key.Role, s.Key.Port), value(s.Stats))).ToList());

    private static KeyValuePair<string, string>[] Attributes(TcpRole role, ushort port) =>
        [new("role", TcpLatencyService.RoleLabel(role)), new("port", TcpLatencyService.PortLabel(port))];

    private static int Order(TcpRole role, ushort port) => ((int)role << 16) | port;
}
