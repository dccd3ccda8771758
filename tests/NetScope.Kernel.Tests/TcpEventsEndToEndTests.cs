using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Configuration;
using NetScope.Agent.Hosting;
using NetScope.Agent.SelfTest;

namespace NetScope.Kernel.Tests;

/// <summary>The agent's event path: /api/v1/events, and sampling that follows the rate against events.budget.</summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public partial class TcpEventsEndToEndTests
{
    [SkippableFact]
    public async Task SamplingRisesUnderLoadFallsAfterwardsAndEventsAreServed()
    {
        KernelTestGuard.Require();
        int port = AgentProcess.FreePort();
        WebApplication app = AgentHost.Build(
            new AgentOptions
            {
                Listen = new IPEndPoint(IPAddress.Loopback, port),
                Config = new AgentConfig { Interfaces = [], Events = new EventsSettings() with { Budget = 20, SlowThreshold = TimeSpan.FromMilliseconds(5) } },
            },
            LogLevel.Warning);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await using var server = new LoopbackEchoServer(TimeSpan.FromMilliseconds(8));

            // A few slow requests first, so the API has events of ours before sampling thins them.
            await server.RoundTripsAsync(3);

            // Then hundreds of close events per second against a budget of 20/s, until the agent samples.
            double ratio = 1;
            var clock = Stopwatch.StartNew();
            while (ratio == 1 && clock.Elapsed < TimeSpan.FromSeconds(15))
            {
                for (int i = 0; i < 50; i++)
                {
                    await server.RoundTripsAsync(1);
                }

                ratio = await SampleRatioAsync(http);
            }

            Assert.True(ratio < 1, "the sample ratio never fell below 1 under a load far above the budget");

            // Load gone: the ratio climbs back one step per second.
            clock.Restart();
            while (ratio < 1 && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(500);
                ratio = await SampleRatioAsync(http);
            }

            Assert.Equal(1, ratio);

            JsonElement root = JsonDocument.Parse(await http.GetStringAsync("/api/v1/events?type=slow_request&limit=1000")).RootElement;
            JsonElement[] ours = root.GetProperty("events").EnumerateArray()
                .Where(e => e.GetProperty("port").GetString() == server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .ToArray();
            Assert.Contains(ours, e => e.GetProperty("role").GetString() == "server" && e.GetProperty("duration_seconds").GetDouble() >= 0.008);
            Assert.All(ours, e => Assert.False(e.TryGetProperty("remote_address", out _), "addresses are hidden unless events.expose_addresses"));
            Assert.True(root.GetProperty("received").GetInt64() > 0);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<double> SampleRatioAsync(HttpClient http)
    {
        string metrics = await http.GetStringAsync("/metrics");
        Match match = SampleRatioLine().Match(metrics);
        Assert.True(match.Success, "netscope_events_sample_ratio{ring=\"tcp_events\"} missing from /metrics");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^netscope_events_sample_ratio\\{ring=\"tcp_events\"\\} (\\S+)$", RegexOptions.Multiline)]
    private static partial Regex SampleRatioLine();
}
