namespace NetScope.Kernel.Tests;

/// <summary>
/// The documented capability set is enough, and a missing one fails only the feature that needs it,
/// with a message naming it. The agent runs as root under setpriv with a reduced bounding set (root's
/// capabilities are capped by it across exec), after tracefs and bpffs are mounted (CAP_SYS_ADMIN is
/// needed only to mount them).
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class LeastPrivilegeTests
{
    private static string[] Setpriv(string caps) => ["setpriv", "--bounding-set", $"-all,{caps}", "--"];

    private static async Task<string> RunAndScrapeAsync(string caps, string interfaceName)
    {
        using AgentProcess agent = AgentProcess.StartWrapped(Setpriv(caps), $"interfaces: [{interfaceName}]\n");
        Assert.True(await agent.WaitReadyAsync(TimeSpan.FromSeconds(15)), $"agent with {caps} not ready:\n{agent.Output}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        string metrics = await http.GetStringAsync($"http://127.0.0.1:{agent.Port}/metrics");
        agent.Signal(AgentProcess.Sigterm);
        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        return metrics + agent.Output;
    }

    [SkippableFact]
    public async Task BpfPerfmonAndNetAdminAreEnough()
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        using TestVeth veth = TestVeth.Create();
        string result = await RunAndScrapeAsync("+bpf,+perfmon,+net_admin", veth.Name);
        Assert.Matches("netscope_probe_attached\\{probe=\"tcp_latency\",hook=\"tcp_sendmsg\",rung=\"[a-z]+\",hook_set=\"[a-z]+\"\\} 1", result);
        Assert.Contains($"netscope_xdp_attached{{interface=\"{veth.Name}\"}} 1", result);
    }

    [SkippableFact]
    public async Task WithoutNetAdminXdpFailsNamingItAndTheTcpProbesKeepWorking()
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        using TestVeth veth = TestVeth.Create();
        string result = await RunAndScrapeAsync("+bpf,+perfmon", veth.Name);
        Assert.Matches("netscope_probe_attached\\{probe=\"tcp_latency\",hook=\"tcp_sendmsg\",rung=\"[a-z]+\",hook_set=\"[a-z]+\"\\} 1", result);
        Assert.Contains($"netscope_xdp_attached{{interface=\"{veth.Name}\"}} 0", result);
        Assert.Contains("missing capability CAP_NET_ADMIN", result);
        Assert.Contains($"interface '{veth.Name}'", result);
    }
}
