using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Configuration;
using NetScope.Agent.Hosting;
using NetScope.Agent.SelfTest;

namespace NetScope.Kernel.Tests;

/// <summary>
/// A real Prometheus server (Debian's prometheus, installed by `make deps`) scrapes the agent, and
/// histogram_quantile over a delayed server lands in the range of the bucket that holds the delay.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class PrometheusScrapeTests
{
    private const string PrometheusBinary = "/usr/bin/prometheus";

    // Just above the lower bound of its kernel bucket (77.9 ms, 92.7 ms], which lies inside the
    // Prometheus bucket (65.536 ms, 131.072 ms] (scale 0: powers of two from 1 µs).
    private static readonly TimeSpan s_delay = TimeSpan.FromMilliseconds(78);

    [SkippableFact]
    public async Task HistogramQuantileOverADelayedServerLandsInItsBucket()
    {
        KernelTestGuard.Require();
        KernelTestGuard.RequireTool(PrometheusBinary, "prometheus");
        int agentPort = AgentProcess.FreePort();
        WebApplication app = AgentHost.Build(
            new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, agentPort), Config = new AgentConfig { Interfaces = [] } },
            LogLevel.Warning);
        await app.StartAsync();
        string directory = Directory.CreateTempSubdirectory("netscope-prometheus-").FullName;
        Process? prometheus = null;
        try
        {
            await LoopbackEchoServer.WarmUpAsync();
            await using var server = new LoopbackEchoServer(s_delay);
            await server.RoundTripsAsync(20);

            int prometheusPort = AgentProcess.FreePort();
            prometheus = StartPrometheus(directory, prometheusPort, agentPort);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{prometheusPort}") };
            string query = $"histogram_quantile(0.5, netscope_tcp_request_duration_seconds_bucket{{role=\"server\",port=\"{server.Port}\"}})";
            double? median = null;
            var clock = Stopwatch.StartNew();
            while (median is null && clock.Elapsed < TimeSpan.FromSeconds(60) && !prometheus.HasExited)
            {
                await Task.Delay(500);
                median = await QueryScalarAsync(http, query);
            }

            if (prometheus.HasExited)
            {
                Assert.Fail($"prometheus exited: {await prometheus.StandardError.ReadToEndAsync()}");
            }

            Assert.NotNull(median);
            Assert.InRange(median.Value, 0.065536, 0.131072);
        }
        finally
        {
            if (prometheus is { HasExited: false })
            {
                prometheus.Kill();
                await prometheus.WaitForExitAsync();
            }

            prometheus?.Dispose();
            Directory.Delete(directory, recursive: true);
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static Process StartPrometheus(string directory, int port, int agentPort)
    {
        string config = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: netscope
                static_configs:
                  - targets: ["127.0.0.1:{agentPort}"]
            """);
        var start = new ProcessStartInfo(PrometheusBinary,
        [
            $"--config.file={config}",
            $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ])
        {
            // Only stderr is read (on failure); stdout is not redirected so it can never fill a pipe.
            RedirectStandardError = true,
        };
        return Process.Start(start)!;
    }

    /// <summary>The value of an instant query with one result, or null while Prometheus has none (or is not up yet).</summary>
    private static async Task<double?> QueryScalarAsync(HttpClient http, string query)
    {
        try
        {
            string body = await http.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}");
            JsonElement result = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() != 1)
            {
                return null;
            }

            double value = double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            return double.IsNaN(value) ? null : value;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
