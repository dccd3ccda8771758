namespace NetScope.Exporters.Abstractions;

/// <summary>One latency series of the heatmap, summarised over the kept window.</summary>
/// <param name="Role">"server" or "client".</param>
/// <param name="Port">The port label ("0" collects ports beyond the kernel's series cap).</param>
/// <param name="Count">Requests in the window.</param>
/// <param name="RatePerSecond">Requests per second over the window's covered time.</param>
/// <param name="P50Seconds">Upper bound of the bucket holding the median; null when the window is empty.</param>
/// <param name="P99Seconds">Upper bound of the bucket holding the 99th percentile; null when the window is empty.</param>
public sealed record HeatmapSeriesSummary(string Role, string Port, ulong Count, double RatePerSecond, double? P50Seconds, double? P99Seconds);

/// <summary>The heatmap's settings and series (GET /api/v1/heatmap).</summary>
/// <param name="IntervalSeconds">Time covered by one column.</param>
/// <param name="Columns">Columns kept per series.</param>
/// <param name="Series">Every series with columns, ordered by role then port.</param>
public sealed record HeatmapOverview(double IntervalSeconds, int Columns, IReadOnlyList<HeatmapSeriesSummary> Series);

/// <summary>One heatmap column: the requests completed in one interval.</summary>
/// <param name="Time">End of the interval (when the kernel histograms were read).</param>
/// <param name="Counts">Non-cumulative bucket counts: one per finite bound of the series, then +Inf.</param>
/// <param name="Count">Requests in the column (the sum of <paramref name="Counts"/>).</param>
/// <param name="SumSeconds">Sum of the requests' latencies.</param>
public sealed record HeatmapColumn(DateTimeOffset Time, IReadOnlyList<ulong> Counts, ulong Count, double SumSeconds);

/// <summary>One series' columns at a chosen bucket scale (GET /api/v1/heatmap?role=..&amp;port=..).</summary>
/// <param name="Role">"server" or "client".</param>
/// <param name="Port">The port label.</param>
/// <param name="Scale">OTel exponential scale of the buckets (0..2).</param>
/// <param name="BucketUpperBoundsSeconds">Finite upper bounds, ascending; the last bucket of each column is +Inf.</param>
/// <param name="Columns">Columns, oldest first.</param>
/// <param name="P50Seconds">Median over the window (see <see cref="HeatmapSeriesSummary.P50Seconds"/>).</param>
/// <param name="P99Seconds">99th percentile over the window.</param>
public sealed record HeatmapSeriesDetail(
    string Role,
    string Port,
    int Scale,
    IReadOnlyList<double> BucketUpperBoundsSeconds,
    IReadOnlyList<HeatmapColumn> Columns,
    double? P50Seconds,
    double? P99Seconds);

/// <summary>Reads the latency heatmap on request. Implemented by the agent.</summary>
public interface IHeatmapView
{
    /// <summary>Finest scale the agent can serve (the kernel's bucket scale).</summary>
    public const int MaxScale = 2;

    /// <summary>Reads the settings and the per-series summaries.</summary>
    HeatmapOverview GetOverview();

    /// <summary>Reads one series at <paramref name="scale"/> (0..<see cref="MaxScale"/>); null when the series is unknown.</summary>
    /// <param name="role">"server" or "client" (already validated).</param>
    /// <param name="port">The port.</param>
    /// <param name="scale">OTel scale of the returned buckets.</param>
    HeatmapSeriesDetail? GetSeries(string role, ushort port, int scale);
}
