using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using NetScope.Exporters.Abstractions;
using NetScope.Exporters.Http;
using NetScope.WebUi.Tests;

namespace NetScope.Exporters.Tests.Http;

/// <summary>
/// The page's empty and error states in headless Chromium, against the real endpoints over stand-in views
/// (the kernel test, WebPageEndToEndTests, covers a live agent with real traffic).
/// </summary>
[Trait("Category", "Browser")]
public class WebPageBrowserTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [SkippableFact]
    public async Task AnAgentWithoutSeriesShowsTheEmptyState()
    {
        PageChecker.Require();
        await using WebTestServer server = await WebTestServer.StartAsync(null, app =>
        {
            app.MapNetScopeWebUi();
            app.MapHeatmapApi(new StandInHeatmap(series: false));
            app.MapFloodApi(new StandInFlood(rules: false));
        });

        PageReport page = await PageChecker.CheckAsync(server.BaseAddress, "empty", 0, Screenshot("web-empty.png"), s_timeout);

        Assert.True(page.Reached, $"page did not reach the empty state: {page}");
        Assert.True(page.EmptyShown);
        Assert.Equal(0, page.NonZeroCells);
        Assert.Equal(0, page.SeriesRows);
        Assert.Equal(0, page.FloodRules);
        AssertClean(page);
    }

    [SkippableFact]
    public async Task AnApiErrorIsShownAndThePageRecoversByRetrying()
    {
        PageChecker.Require();
        int heatmapCalls = 0;
        var heatmap = new StandInHeatmap(series: true);
        await using WebTestServer server = await WebTestServer.StartAsync(null, app =>
        {
            app.MapNetScopeWebUi();

            // The first overview request fails the way the agent reports errors; later ones succeed.
            app.Use(async (context, next) =>
            {
                if (context.Request.Path == HeatmapApi.Path && !context.Request.Query.ContainsKey("role") && Interlocked.Increment(ref heatmapCalls) == 1)
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    await context.Response.WriteAsync("{\"error\":\"heatmap store not started\"}");
                    return;
                }

                await next(context);
            });
            app.MapHeatmapApi(heatmap);
            app.MapFloodApi(new StandInFlood(rules: true));
        });

        PageReport page = await PageChecker.CheckAsync(server.BaseAddress, "error,ready", 1, Screenshot("web-recovered.png"), s_timeout);

        Assert.True(page.Reached, $"page did not go error → ready: {page}");
        Assert.Equal(["error", "ready"], page.ReachedStates);
        Assert.Equal("server:8080", page.Series);
        // Three columns of the stand-in series with two non-zero buckets each.
        Assert.Equal(6, page.NonZeroCells);
        Assert.Equal(1, page.FloodRules);
        Assert.Equal(string.Empty, page.ErrorText);
        AssertClean(page);
    }

    [SkippableFact]
    public async Task TheErrorNamesTheEndpointAndTheAgentsMessage()
    {
        PageChecker.Require();
        await using WebTestServer server = await WebTestServer.StartAsync(null, app =>
        {
            app.MapNetScopeWebUi();
            app.MapGet(HeatmapApi.Path, () => Results.Json(new { error = "heatmap store not started" }, statusCode: 500));
            app.MapFloodApi(new StandInFlood(rules: false));
        });

        PageReport page = await PageChecker.CheckAsync(server.BaseAddress, "error", 0, Screenshot("web-error.png"), s_timeout);

        Assert.True(page.Reached, $"page did not reach the error state: {page}");
        Assert.Contains("api/v1/heatmap: 500 heatmap store not started", page.ErrorText, StringComparison.Ordinal);
        Assert.Contains("Retrying", page.ErrorText, StringComparison.Ordinal);
        AssertClean(page);
    }

    private static string Screenshot(string name) => Path.Combine(PageChecker.ArtifactsDirectory, name);

    private static void AssertClean(PageReport page)
    {
        Assert.Empty(page.ConsoleErrors);
        Assert.Empty(page.CspViolations);
        Assert.Empty(page.ForeignRequests);
    }

    private sealed class StandInHeatmap(bool series) : IHeatmapView
    {
        private static readonly double[] s_bounds = [.. Enumerable.Range(0, 105).Select(i => 1e-6 * Math.Pow(2, i / 4.0))];

        public HeatmapOverview GetOverview() => new(1, 60, series ? [new HeatmapSeriesSummary("server", "8080", 30, 0.5, 1e-3, 4e-3)] : []);

        public HeatmapSeriesDetail? GetSeries(string role, ushort port, int scale)
        {
            if (!series || role != "server" || port != 8080)
            {
                return null;
            }

            // Columns one second apart ending now: 4 requests at ~1 ms (bucket 40) and 1 at ~4 ms (bucket 48).
            DateTimeOffset now = DateTimeOffset.UtcNow;
            HeatmapColumn Column(int age)
            {
                var counts = new ulong[s_bounds.Length + 1];
                counts[40] = 4;
                counts[48] = 1;
                return new HeatmapColumn(now.AddSeconds(-age), counts, 5, 0.008);
            }

            return new HeatmapSeriesDetail("server", "8080", 2, s_bounds, [Column(2), Column(1), Column(0)], 1e-3, 4e-3);
        }
    }

    private sealed class StandInFlood(bool rules) : IFloodView
    {
        public FloodSnapshot GetSnapshot(int maxOffendersPerRule) => new(
            rules ? 1 : 0,
            [],
            rules ? [new FloodRuleStatus(0, "get-flood", "drop", "enforce", 120, 40, 0, 1, 1, [new FloodOffender("192.0.2.7", "blocked", 41.2, 90)])] : []);
    }
}
