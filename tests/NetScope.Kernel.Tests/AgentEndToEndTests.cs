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
public class AgentEndToEndTests
{
    private static readonly HashSet<string> s_ourPrograms =
        [.. BpfTool.KernelNames(TcpLatencyProbe.Definition.Rungs.SelectMany(r => r.Programs).Concat(TcpLatencyProbe.Definition.Common).Select(p => p.ProgramName))];

    private static int FreePort() => AgentProcess.FreePort();

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
        using AgentProcess agent = AgentProcess.Start();
        Assert.True(await agent.WaitReadyAsync(TimeSpan.FromSeconds(10)), $"agent not ready within 10 s:\n{agent.Output}");
        Assert.Contains(BpfTool.LoadedProgramNames(), s_ourPrograms.Contains);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };

        // SIGHUP (systemctl reload) must not end the agent.
        agent.Signal(AgentProcess.Sighup);
        await Task.Delay(300);
        Assert.False(agent.HasExited, $"SIGHUP ended the agent:\n{agent.Output}");
        Assert.NotNull(await http.GetStringAsync($"http://127.0.0.1:{agent.Port}/metrics"));

        var stopping = Stopwatch.StartNew();
        agent.Signal(AgentProcess.Sigterm);
        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(5)), $"agent still running 5 s after SIGTERM:\n{agent.Output}");
        Assert.Equal(0, agent.ExitCode);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(BpfTool.LoadedProgramNames(), s_ourPrograms.Contains);
    }

    [SkippableFact]
    public async Task ASecondAgentRefusesToStart()
    {
        KernelTestGuard.Require();
        using AgentProcess first = AgentProcess.Start();
        Assert.True(await first.WaitReadyAsync(TimeSpan.FromSeconds(10)), first.Output);
        using AgentProcess second = AgentProcess.Start();
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(10)), second.Output);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("another NetScope agent is already running", second.Output);
        Assert.False(first.HasExited);
    }
}
