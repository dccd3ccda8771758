using System.Text.Json;
using Google.Protobuf;
using NetScope.Exporters.Otlp;

namespace NetScope.Exporters.Tests.Otlp;

/// <summary>The request bytes, decoded by the independent node decoder (official OTLP definitions).</summary>
public class OtlpRequestBuilderTests
{
    private static readonly DateTimeOffset s_now = OtlpFixtureSource.Start.AddSeconds(90);

    private static JsonElement BuildAndDecode() =>
        OtlpDecoder.Decode(OtlpRequestBuilder.Build(
            new OtlpFixtureSource().Snapshot!,
            [new("host.name", "node-1"), new("service.name", "netscope")],
            "1.2.3",
            s_now).ToByteArray());

    private static Dictionary<string, string> Attributes(JsonElement owner) =>
        owner.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value").GetProperty("stringValue").GetString()!);

    private static string Nanos(DateTimeOffset time) => ((time - DateTimeOffset.UnixEpoch).Ticks * 100).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void ResourceAndScopeAreDecodedByTheOfficialDefinitions()
    {
        JsonElement resourceMetrics = Assert.Single(BuildAndDecode().GetProperty("resourceMetrics").EnumerateArray());
        Assert.Equal(new Dictionary<string, string> { ["host.name"] = "node-1", ["service.name"] = "netscope" }, Attributes(resourceMetrics.GetProperty("resource")));
        JsonElement scope = Assert.Single(resourceMetrics.GetProperty("scopeMetrics").EnumerateArray()).GetProperty("scope");
        Assert.Equal("netscope", scope.GetProperty("name").GetString());
        Assert.Equal("1.2.3", scope.GetProperty("version").GetString());
    }

    [Fact]
    public void ExponentialHistogramCarriesTheBucketsUnchanged()
    {
        JsonElement metric = BuildAndDecode().GetProperty("resourceMetrics")[0].GetProperty("scopeMetrics")[0].GetProperty("metrics")[0];
        Assert.Equal("netscope.tcp.request.duration", metric.GetProperty("name").GetString());
        Assert.Equal("us", metric.GetProperty("unit").GetString());
        JsonElement histogram = metric.GetProperty("exponentialHistogram");
        Assert.Equal("AGGREGATION_TEMPORALITY_CUMULATIVE", histogram.GetProperty("aggregationTemporality").GetString());

        JsonElement[] points = [.. histogram.GetProperty("dataPoints").EnumerateArray()];
        Assert.Equal(2, points.Length);
        JsonElement server = points[0];
        Assert.Equal(new Dictionary<string, string> { ["role"] = "server", ["port"] = "8080" }, Attributes(server));
        Assert.Equal(Nanos(OtlpFixtureSource.Start), server.GetProperty("startTimeUnixNano").GetString());
        Assert.Equal(Nanos(s_now), server.GetProperty("timeUnixNano").GetString());
        Assert.Equal(2, server.GetProperty("scale").GetInt32());
        Assert.Equal("3", server.GetProperty("zeroCount").GetString());
        Assert.Equal(1.0, server.GetProperty("zeroThreshold").GetDouble());
        Assert.Equal(5, server.GetProperty("positive").GetProperty("offset").GetInt32());
        Assert.Equal(["7", "0", "1"], server.GetProperty("positive").GetProperty("bucketCounts").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("11", server.GetProperty("count").GetString()); // zero 3 + buckets 8
        Assert.Equal(123.5, server.GetProperty("sum").GetDouble());
        Assert.Equal(JsonValueKind.Null, server.GetProperty("negative").ValueKind); // no negative latencies

        JsonElement client = points[1];
        Assert.Equal(104, client.GetProperty("positive").GetProperty("offset").GetInt32());
        Assert.Equal("2", client.GetProperty("count").GetString());
    }

    [Fact]
    public void CountersAreMonotonicCumulativeSums()
    {
        JsonElement metric = BuildAndDecode().GetProperty("resourceMetrics")[0].GetProperty("scopeMetrics")[0].GetProperty("metrics")[1];
        Assert.Equal("netscope.tcp.bytes.sent", metric.GetProperty("name").GetString());
        Assert.Equal("By", metric.GetProperty("unit").GetString());
        JsonElement sum = metric.GetProperty("sum");
        Assert.True(sum.GetProperty("isMonotonic").GetBoolean());
        Assert.Equal("AGGREGATION_TEMPORALITY_CUMULATIVE", sum.GetProperty("aggregationTemporality").GetString());
        JsonElement point = Assert.Single(sum.GetProperty("dataPoints").EnumerateArray());
        Assert.Equal("4096", point.GetProperty("asInt").GetString());
        Assert.Equal(Nanos(OtlpFixtureSource.Start), point.GetProperty("startTimeUnixNano").GetString());
    }
}
