using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Configuration;
using NetScope.Agent.Hosting;
using NetScope.Agent.SelfTest;

namespace NetScope.Kernel.Tests;

[Collection("kernel")]
[Trait("Category", "Kernel")]
public class HeatmapEndToEndTests
{
    private const int Requests = 30;

    // Just above the lower bound of its bucket, (77.9 ms, 92.7 ms]: late wakeups on a shared VM stay inside it.
    private static readonly TimeSpan s_delay = TimeSpan.FromMilliseconds(78);

    [SkippableFact]
    public async Task TheHeatmapPutsEveryRequestInTheBucketOfItsLatency()
    {
        KernelTestGuard.Require();
        int port = AgentProcess.FreePort();
        WebApplication app = AgentHost.Build(
            new AgentOptions
            {
                Listen = new IPEndPoint(IPAddress.Loopback, port),
                Config = new AgentConfig { Interfaces = [], Heatmap = new HeatmapSettings(TimeSpan.FromMilliseconds(200), 50) },
            },
            LogLevel.Warning);
        await app.StartAsync();
        try
        {
            // Warm up (JIT, thread pool) on another port, so the first measured requests are not late by
            // compilation rather than by the server's delay.
            await using (var warmUp = new LoopbackEchoServer(s_delay))
            {
                await warmUp.RoundTripsAsync(5);
            }

            await using var server = new LoopbackEchoServer(s_delay);
            await server.RoundTripsAsync(Requests);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

            // The last requests land in the column closed by the next tick; poll a few intervals for it.
            JsonElement detail = default;
            ulong total = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                using HttpResponseMessage response = await http.GetAsync($"/api/v1/heatmap?role=server&port={server.Port}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                    total = detail.GetProperty("columns").EnumerateArray().Aggregate(0UL, (sum, c) => sum + c.GetProperty("count").GetUInt64());
                    if (total >= Requests)
                    {
                        break;
                    }
                }

                await Task.Delay(100);
            }

            Assert.Equal((ulong)Requests, total);

            JsonElement overview = JsonDocument.Parse(await http.GetStringAsync("/api/v1/heatmap")).RootElement;
            Assert.Equal(0.2, overview.GetProperty("interval_seconds").GetDouble());
            Assert.Equal(50, overview.GetProperty("columns").GetInt32());
            JsonElement listed = Assert.Single(overview.GetProperty("series").EnumerateArray(),
                s => s.GetProperty("role").GetString() == "server" && s.GetProperty("port").GetString() == server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal((ulong)Requests, listed.GetProperty("count").GetUInt64());

            // Bucket i of a column is bounded above by bounds[i]; the one holding the delay d has bounds[i-1] < d ≤ bounds[i].
            double[] bounds = [.. detail.GetProperty("bucket_upper_bounds_seconds").EnumerateArray().Select(e => e.GetDouble())];
            int bucket = Array.FindIndex(bounds, b => b >= s_delay.TotalSeconds);
            ulong inBucket = detail.GetProperty("columns").EnumerateArray().Aggregate(0UL, (sum, c) => sum + c.GetProperty("counts")[bucket].GetUInt64());
            Assert.True(inBucket >= Requests * 0.9, $"{inBucket} of {Requests} requests in ({bounds[bucket - 1]}, {bounds[bucket]}] s:\n{detail}");
            Assert.Equal(bounds[bucket], detail.GetProperty("p50_seconds").GetDouble());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
