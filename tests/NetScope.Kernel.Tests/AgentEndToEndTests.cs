using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Hosting;
using NetScope.Agent.Probes;

namespace NetScope.Kernel.Tests;

[Collection("kernel")]
[Trait("Category", "Kernel")]
public partial class AgentEndToEndTests
{
    private static readonly HashSet<string> s_ourPrograms =
        [.. BpfTool.KernelNames(TcpLatencyProbe.Definition.Rungs.SelectMany(r => r.Programs).Concat(TcpLatencyProbe.Definition.Common).Select(p => p.ProgramName))];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [SkippableFact]
    public async Task MetricsReportEveryRequestToALocalServer()
    {
        KernelTestGuard.Require();
        int port = FreePort();
        WebApplication app = AgentHost.Build(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, port) }, LogLevel.Warning);
        await app.StartAsync();
        try
        {
            await using var server = new LoopbackEchoServer();
            await server.RoundTripsAsync(100);
            using var http = new HttpClient();
            string metrics = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            Assert.Contains($"netscope_tcp_request_duration_seconds_count{{role=\"server\",port=\"{server.Port}\"}} 100\n", metrics);
            Assert.Contains($"netscope_tcp_request_duration_seconds_bucket{{role=\"server\",port=\"{server.Port}\",le=\"+Inf\"}} 100\n", metrics);
            Assert.Contains("netscope_probe_attached{probe=\"tcp_latency\",hook=\"tcp_sendmsg\",rung=\"tracepoint\"}", metrics);
            Assert.Contains("netscope_build_info{", metrics);
            Assert.Matches(@"netscope_tcp_send_calls_total [1-9]\d*", metrics);
            Assert.Equal("ok\n", await http.GetStringAsync($"http://127.0.0.1:{port}/healthz"));
            Assert.Equal("ready\n", await http.GetStringAsync($"http://127.0.0.1:{port}/readyz"));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Assert.DoesNotContain(BpfTool.LoadedProgramNames(), s_ourPrograms.Contains);
    }

    [SkippableFact]
    public async Task SigtermStopsTheAgentProcessWithinFiveSecondsAndUnloadsEverything()
    {
        KernelTestGuard.Require();
        int port = FreePort();
        string dll = Path.Combine(AppContext.BaseDirectory, "netscope.dll");
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\" run --listen 127.0.0.1:{port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process agent = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        agent.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        agent.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        agent.BeginOutputReadLine();
        agent.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var ready = Stopwatch.StartNew();
            string? metrics = null;
            while (metrics is null && ready.Elapsed < TimeSpan.FromSeconds(10) && !agent.HasExited)
            {
                try
                {
                    metrics = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(metrics is not null, $"agent did not serve /metrics within 10 s:\n{output}");
            Assert.Contains(BpfTool.LoadedProgramNames(), s_ourPrograms.Contains);

            // SIGHUP (systemctl reload) must not end the agent.
            Assert.Equal(0, Kill(agent.Id, Sighup));
            await Task.Delay(300);
            Assert.False(agent.HasExited, $"SIGHUP ended the agent:\n{output}");
            Assert.NotNull(await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"));

            var stopping = Stopwatch.StartNew();
            Assert.Equal(0, Kill(agent.Id, Sigterm));
            Assert.True(await WaitForExitAsync(agent, TimeSpan.FromSeconds(5)), $"agent still running 5 s after SIGTERM:\n{output}");
            Assert.Equal(0, agent.ExitCode);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5));
            Assert.DoesNotContain(BpfTool.LoadedProgramNames(), s_ourPrograms.Contains);
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<bool> WaitForExitAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private const int Sigterm = 15;
    private const int Sighup = 1;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
