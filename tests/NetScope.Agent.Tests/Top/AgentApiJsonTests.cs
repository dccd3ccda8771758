using System.Text;
using System.Text.Json;
using NetScope.Agent.Top;
using NetScope.Exporters.Abstractions;
using NetScope.Exporters.Http;

namespace NetScope.Agent.Tests.Top;

/// <summary>The client reads exactly what the agent's writers write (docs/api.md).</summary>
public class AgentApiJsonTests
{
    [Fact]
    public void OverviewRoundTrips()
    {
        HeatmapOverview written = TopFixtures.Overview(TopFixtures.Series("server", "80", 5210), TopFixtures.Series("client", "5432", 0));
        HeatmapOverview read = JsonSerializer.Deserialize(Write(w => HeatmapApi.Write(w, written)), AgentApiJson.Default.HeatmapOverview)!;
        Assert.Equal(written.IntervalSeconds, read.IntervalSeconds);
        Assert.Equal(written.Columns, read.Columns);
        Assert.Equal(written.Series[0] with { RatePerSecond = Math.Round(written.Series[0].RatePerSecond, 3) }, read.Series[0]);
        Assert.Null(read.Series[1].P50Seconds);
    }

    [Fact]
    public void SeriesDetailRoundTrips()
    {
        HeatmapSeriesDetail written = TopFixtures.Detail(TopFixtures.Column(1, 5, 7), TopFixtures.Column(2, 9, 3, 26));
        HeatmapSeriesDetail read = JsonSerializer.Deserialize(Write(w => HeatmapApi.Write(w, written)), AgentApiJson.Default.HeatmapSeriesDetail)!;
        Assert.Equal(written.BucketUpperBoundsSeconds, read.BucketUpperBoundsSeconds);
        Assert.Equal(written.Columns.Count, read.Columns.Count);
        Assert.Equal(written.Columns[1].Counts, read.Columns[1].Counts);
        Assert.Equal(written.Columns[1].Time, read.Columns[1].Time);
        Assert.Equal(written.Columns[1].Count, read.Columns[1].Count);
        Assert.Equal((written.Role, written.Port, written.Scale, written.P50Seconds, written.P99Seconds), (read.Role, read.Port, read.Scale, read.P50Seconds, read.P99Seconds));
    }

    [Fact]
    public void FloodSnapshotRoundTrips()
    {
        FloodSnapshot written = TopFixtures.Flood();
        FloodSnapshot read = JsonSerializer.Deserialize(Write(w => FloodApi.Write(w, written, 10)), AgentApiJson.Default.FloodSnapshot)!;
        Assert.Equal(written.Generation, read.Generation);
        Assert.Equal(written.Interfaces, read.Interfaces);
        FloodRuleStatus rule = Assert.Single(read.Rules);
        Assert.Equal(written.Rules[0] with { TopOffenders = [] }, rule with { TopOffenders = [] });
        Assert.Equal(written.Rules[0].TopOffenders, rule.TopOffenders);
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
