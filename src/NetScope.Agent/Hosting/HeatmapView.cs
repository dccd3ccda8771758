using System.Globalization;
using NetScope.Agent.Aggregation;
using NetScope.Agent.Probes;
using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Hosting;

/// <summary>
/// Serves the <see cref="HeatmapStore"/> to the HTTP API. Percentiles are computed from the kernel's own
/// scale-2 slots whatever scale the columns are requested at, so they do not change with the view.
/// </summary>
internal sealed class HeatmapView(AgentOptions options, HeatmapStore store) : IHeatmapView
{
    public HeatmapOverview GetOverview()
    {
        var series = store.ListSeries()
            .Select(w => new HeatmapSeriesSummary(
                TcpLatencyService.RoleLabel(w.Role),
                w.Port.ToString(CultureInfo.InvariantCulture),
                w.Count,
                w.RatePerSecond,
                HistogramQuantile.OfSlots(w.Slots, 0.5),
                HistogramQuantile.OfSlots(w.Slots, 0.99)))
            .ToList();
        return new HeatmapOverview(options.Config.Heatmap.Interval.TotalSeconds, store.Columns, series);
    }

    public HeatmapSeriesDetail? GetSeries(string role, ushort port, int scale)
    {
        TcpRole tcpRole = role == TcpLatencyService.RoleLabel(TcpRole.Server) ? TcpRole.Server
            : role == TcpLatencyService.RoleLabel(TcpRole.Client) ? TcpRole.Client
            : throw new ArgumentOutOfRangeException(nameof(role), role, "role must be server or client");
        List<LatencyColumn>? columns = store.GetColumns(tcpRole, port);
        if (columns is null)
        {
            return null;
        }

        ulong[] window = new ulong[ExponentialBuckets.Slots];
        var merged = new List<HeatmapColumn>(columns.Count);
        foreach (LatencyColumn column in columns)
        {
            for (int i = 0; i < window.Length; i++)
            {
                window[i] += column.Slots[i];
            }

            (_, ulong[] counts) = ExponentialBuckets.Merge(column.Slots, scale);
            merged.Add(new HeatmapColumn(column.Time, counts, column.Count, column.SumNs / 1e9));
        }

        (double[] bounds, _) = ExponentialBuckets.Merge(window, scale);
        return new HeatmapSeriesDetail(
            role,
            port.ToString(CultureInfo.InvariantCulture),
            scale,
            bounds,
            merged,
            HistogramQuantile.OfSlots(window, 0.5),
            HistogramQuantile.OfSlots(window, 0.99));
    }
}
