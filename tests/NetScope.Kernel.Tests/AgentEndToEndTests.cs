using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Hosting;
using NetScope.Agent.Probes;
using NetScope.Agent.SelfTest;

namespace NetScope.Kernel.Tests;

[Collection("kernel")]
[Trait("Category", "Kernel")]
public class AgentEndToEndTests
{
    private static readonly HashSet<string> s_ourPrograms =
        [.. BpfTool.KernelNames(TcpLatencyProbe.Definition.Rungs.SelectMany(r => r.AllPrograms).Select(p => p.ProgramName))];

    private static int FreePort() => AgentProcess.FreePort();

    [SkippableFact]
    public async Task MetricsReportEveryRequestToALocalServer()
    {
        KernelTestGuard.Require();
        int port = FreePort();
        HashSet<int> before = BpfTool.ProgramIds(s_ourPrograms);
        WebApplication app = AgentHost.Build(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, port) }, LogLevel.Warning);
        await app.StartAsync();
        HashSet<int> mine = BpfTool.ProgramIds(s_ourPrograms);
        mine.ExceptWith(before);
        try
        {
            await using var server = new LoopbackEchoServer();
            await server.RoundTripsAsync(100);
            using var http = new HttpClient();
            string metrics = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            Assert.Contains($"netscope_tcp_request_duration_seconds_count{{role=\"server\",port=\"{server.Port}\"}} 100\n", metrics);
            Assert.Contains($"netscope_tcp_request_duration_seconds_bucket{{role=\"server\",port=\"{server.Port}\",le=\"+Inf\"}} 100\n", metrics);
            Assert.Contains("netscope_probe_attached{probe=\"tcp_latency\",hook=\"tcp_sendmsg\",rung=\"tracepoint\",hook_set=\"sock\"}", metrics);
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

        Assert.NotEmpty(mine);
        Assert.True(BpfTool.Unloaded(mine, TimeSpan.FromSeconds(5)), "the stopped agent's programs are still loaded");
    }

    [SkippableFact]
    public async Task WebConfigBasicAuthProtectsTheAgentsEndpoint()
    {
        KernelTestGuard.Require();
        string directory = Directory.CreateTempSubdirectory("netscope-web-").FullName;
        try
        {
            string path = Path.Combine(directory, "web.yaml");
            await File.WriteAllTextAsync(path, $"basic_auth_users:\n  prometheus: '{BCrypt.Net.BCrypt.HashPassword("s3cret", 4)}'\n");
            using AgentProcess agent = AgentProcess.Start("interfaces: []\n", "--web-config", path);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var clock = Stopwatch.StartNew();
            HttpStatusCode status = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(10) && status == 0 && !agent.HasExited)
            {
                try
                {
                    status = (await http.GetAsync($"http://127.0.0.1:{agent.Port}/metrics")).StatusCode;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100);
                }
            }

            Assert.True(status == HttpStatusCode.Unauthorized, $"status {status}:\n{agent.Output}");
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{agent.Port}/metrics");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("prometheus:s3cret"u8.ToArray()));
            using HttpResponseMessage ok = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Contains("netscope_build_info", await ok.Content.ReadAsStringAsync());
            Assert.Contains("with basic auth", agent.Output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [SkippableFact]
    public async Task SigtermStopsTheAgentProcessWithinFiveSecondsAndUnloadsEverything()
    {
        KernelTestGuard.Require();
        HashSet<int> before = BpfTool.ProgramIds(s_ourPrograms);
        using AgentProcess agent = AgentProcess.Start();
        Assert.True(await agent.WaitReadyAsync(TimeSpan.FromSeconds(10)), $"agent not ready within 10 s:\n{agent.Output}");
        HashSet<int> mine = BpfTool.ProgramIds(s_ourPrograms);
        mine.ExceptWith(before);
        Assert.NotEmpty(mine);
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
        Assert.True(BpfTool.Unloaded(mine, TimeSpan.FromSeconds(5)), "the stopped agent's programs are still loaded");
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
