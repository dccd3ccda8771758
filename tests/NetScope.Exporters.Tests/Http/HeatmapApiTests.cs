using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using NetScope.Exporters.Abstractions;
using NetScope.Exporters.Http;

namespace NetScope.Exporters.Tests.Http;

public class HeatmapApiTests
{
    private static readonly DateTimeOffset s_time = new(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);

    private static JsonElement Render(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return JsonDocument.Parse(Encoding.UTF8.GetString(buffer.ToArray())).RootElement;
    }

    [Fact]
    public void TheOverviewHasTheDocumentedShape()
    {
        var overview = new HeatmapOverview(1, 300,
        [
            new HeatmapSeriesSummary("server", "80", 120, 0.4, 0.0238, 0.0476),
            new HeatmapSeriesSummary("client", "0", 0, 0, null, null),
        ]);
        JsonElement root = Render(w => HeatmapApi.Write(w, overview));
        Assert.Equal(["interval_seconds", "columns", "series"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, root.GetProperty("interval_seconds").GetDouble());
        Assert.Equal(300, root.GetProperty("columns").GetInt32());
        JsonElement server = root.GetProperty("series")[0];
        Assert.Equal(["role", "port", "count", "rate_per_second", "p50_seconds", "p99_seconds"], server.EnumerateObject().Select(p => p.Name));
        Assert.Equal("server", server.GetProperty("role").GetString());
        Assert.Equal("80", server.GetProperty("port").GetString());
        Assert.Equal(120UL, server.GetProperty("count").GetUInt64());
        Assert.Equal(0.4, server.GetProperty("rate_per_second").GetDouble());
        Assert.Equal(0.0476, server.GetProperty("p99_seconds").GetDouble());
        JsonElement empty = root.GetProperty("series")[1];
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("p50_seconds").ValueKind);
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("p99_seconds").ValueKind);
    }

    [Fact]
    public void ASeriesHasTheDocumentedShape()
    {
        JsonElement root = Render(w => HeatmapApi.Write(w, Detail(0)));
        Assert.Equal(
            ["role", "port", "scale", "bucket_upper_bounds_seconds", "columns", "p50_seconds", "p99_seconds"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, root.GetProperty("scale").GetInt32());
        Assert.Equal([1e-6, 2e-6], root.GetProperty("bucket_upper_bounds_seconds").EnumerateArray().Select(e => e.GetDouble()));
        JsonElement column = Assert.Single(root.GetProperty("columns").EnumerateArray());
        Assert.Equal(["time", "counts", "count", "sum_seconds"], column.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2025-03-04T05:06:07.890Z", column.GetProperty("time").GetString());
        Assert.Equal([1UL, 2, 3], column.GetProperty("counts").EnumerateArray().Select(e => e.GetUInt64()));
        Assert.Equal(6UL, column.GetProperty("count").GetUInt64());
        Assert.Equal(0.5, column.GetProperty("sum_seconds").GetDouble());
        Assert.Equal(2e-6, root.GetProperty("p50_seconds").GetDouble());
    }

    [Fact]
    public async Task TheEndpointValidatesTheQuery()
    {
        var view = new FakeView();
        await using WebApplication app = await StartAsync(view);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single().Replace("[::]", "127.0.0.1", StringComparison.Ordinal)) };

        using HttpResponseMessage overview = await http.GetAsync("/api/v1/heatmap");
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.Equal("application/json", overview.Content.Headers.ContentType?.MediaType);
        Assert.Equal(300, JsonDocument.Parse(await overview.Content.ReadAsStringAsync()).RootElement.GetProperty("columns").GetInt32());

        using HttpResponseMessage series = await http.GetAsync("/api/v1/heatmap?role=server&port=80");
        Assert.Equal(HttpStatusCode.OK, series.StatusCode);
        Assert.Equal(("server", (ushort)80, 2), view.LastQuery);
        await http.GetAsync("/api/v1/heatmap?role=client&port=443&scale=0");
        Assert.Equal(("client", (ushort)443, 0), view.LastQuery);

        foreach (string bad in new[] { "role=peer&port=80", "port=80", "role=server", "role=server&port=70000", "role=server&port=-1", "role=server&port=8a",
                     "role=server&port=80&scale=3", "role=server&port=80&scale=-1", "role=server&port=80&scale=x", "scale=1" })
        {
            using HttpResponseMessage response = await http.GetAsync($"/api/v1/heatmap?{bad}");
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, bad);
            Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()));
        }

        using HttpResponseMessage unknown = await http.GetAsync("/api/v1/heatmap?role=server&port=81");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("81", JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
    }

    private static HeatmapSeriesDetail Detail(int scale) =>
        new("server", "80", scale, [1e-6, 2e-6], [new HeatmapColumn(s_time, [1, 2, 3], 6, 0.5)], 2e-6, 2e-6);

    private static async Task<WebApplication> StartAsync(IHeatmapView view)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        app.MapHeatmapApi(view);
        await app.StartAsync();
        return app;
    }

    private sealed class FakeView : IHeatmapView
    {
        public (string Role, ushort Port, int Scale) LastQuery { get; private set; }

        public HeatmapOverview GetOverview() => new(1, 300, []);

        public HeatmapSeriesDetail? GetSeries(string role, ushort port, int scale)
        {
            LastQuery = (role, port, scale);
            return port == 81 ? null : Detail(scale);
        }
    }
}
