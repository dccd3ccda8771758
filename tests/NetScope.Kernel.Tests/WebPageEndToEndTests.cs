using NetScope.Agent.SelfTest;
using NetScope.WebUi.Tests;

namespace NetScope.Kernel.Tests;

/// <summary>
/// The web page against a live agent: real loopback traffic timed by the kernel probe, the page served by
/// the agent and drawn by headless Chromium. The screenshot is kept in build/test-artifacts/web-heatmap.png;
/// NETSCOPE_UPDATE_SCREENSHOTS=1 also copies it to docs/images/web-heatmap.png (the README's picture).
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class WebPageEndToEndTests
{
    private const int RequestsPerClient = 300;

    // Short columns and a short window, so a few seconds of traffic fill a visible part of the picture.
    private const string Config = """
        interfaces: []
        heatmap:
          interval: 200ms
          columns: 60
        rules:
          - name: get-flood
            match: {ports: [8080], methods: [GET]}
            threshold: 200/1s
            action: drop
            block_for: 1m
          - name: login-shadow
            match: {ports: [8080], path_prefix: /login}
            threshold: 20/10s
            action: drop
            mode: shadow
            block_for: 30s
        """;

    [SkippableFact]
    public async Task ThePageDrawsANonEmptyHeatmapOfLiveTraffic()
    {
        KernelTestGuard.Require();
        PageChecker.Require();
        using AgentProcess agent = AgentProcess.Start(Config);
        Assert.True(await agent.WaitReadyAsync(TimeSpan.FromSeconds(30)), agent.Output);

        // Two groups of latencies (about 3 ms and about 20 ms, spread within each) so the heatmap shows a
        // distribution rather than a single line. Seeded: the same traffic every run.
        var random = new Random(7);
        TimeSpan NextDelay()
        {
            lock (random)
            {
                double milliseconds = random.NextDouble() < 0.7 ? 2.5 * Math.Pow(2, random.NextDouble()) : 15 * Math.Pow(2, random.NextDouble());
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        await using var server = new LoopbackEchoServer(NextDelay);
        await Task.WhenAll(server.RoundTripsAsync(RequestsPerClient), server.RoundTripsAsync(RequestsPerClient));

        string screenshot = Path.Combine(PageChecker.ArtifactsDirectory, "web-heatmap.png");
        PageReport page = await PageChecker.CheckAsync(
            new Uri($"http://127.0.0.1:{agent.Port}/#server:{server.Port}"), "ready", 1, screenshot, TimeSpan.FromSeconds(30));

        Assert.True(page.Reached, $"the page did not draw a non-empty heatmap: {page}\nagent output:\n{agent.Output}");
        Assert.Equal($"server:{server.Port}", page.Series);
        Assert.True(page.NonZeroCells > 0);
        Assert.Equal(2, page.FloodRules);
        Assert.Empty(page.ConsoleErrors);
        Assert.Empty(page.CspViolations);
        Assert.Empty(page.ForeignRequests);
        Assert.True(File.Exists(screenshot));

        if (Environment.GetEnvironmentVariable("NETSCOPE_UPDATE_SCREENSHOTS") == "1")
        {
            File.Copy(screenshot, Path.Combine(PageChecker.RepoRoot, "docs", "images", "web-heatmap.png"), overwrite: true);
        }
    }
}
