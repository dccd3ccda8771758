using NetScope.Agent.Top;
using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Tests.Top;

/// <summary>API records as the agent would send them, at scale 0 (bounds 1 µs × 2^i).</summary>
internal static class TopFixtures
{
    public static readonly Uri Agent = new("http://127.0.0.1:9745");

    public static IReadOnlyList<double> Bounds { get; } = [.. Enumerable.Range(0, 27).Select(i => 1e-6 * Math.Pow(2, i))];

    /// <summary>A column with <paramref name="count"/> requests in each of <paramref name="buckets"/>.</summary>
    public static HeatmapColumn Column(int second, ulong count, params int[] buckets)
    {
        var counts = new ulong[Bounds.Count + 1];
        foreach (int bucket in buckets)
        {
            counts[bucket] = count;
        }

        return new HeatmapColumn(DateTimeOffset.UnixEpoch.AddSeconds(second), counts, counts.Aggregate(0UL, (a, b) => a + b), 0.1);
    }

    public static HeatmapSeriesDetail Detail(params HeatmapColumn[] columns) =>
        new("server", "80", 0, Bounds, columns, 0.000128, 0.065536);

    public static HeatmapOverview Overview(params HeatmapSeriesSummary[] series) => new(1, 300, series);

    public static HeatmapSeriesSummary Series(string role, string port, ulong count) =>
        new(role, port, count, count / 300.0, count == 0 ? null : 0.000128, count == 0 ? null : 0.065536);

    public static FloodSnapshot Flood() => new(
        3,
        [new FloodInterfaceStatus("vsrv", true)],
        [new FloodRuleStatus(0, "get-flood", "drop", "enforce", 1520, 480, 0, 3, 1, [new FloodOffender("10.77.9.3", "blocked", 7.2, 913)])]);

    public static TopFrame Frame(HeatmapSeriesDetail? detail = null, FloodSnapshot? flood = null, string? problem = null) => new(
        Agent,
        DateTimeOffset.UnixEpoch,
        Overview(Series("client", "5432", 10), Series("server", "80", 5210)),
        new SeriesKey("server", "80"),
        detail ?? Detail(Column(1, 5, 7), Column(2, 500, 7, 16), Column(3, 1, 20)),
        flood ?? Flood(),
        problem);
}
