using NetScope.Agent.Tests.Hosting;

namespace NetScope.Agent.Tests.Top;

[Collection("console")]
public class TopAndDemoCommandLineTests
{
    [Fact]
    public async Task HelpListsTopAndDemo()
    {
        (_, string error) = await CommandLineTests.RunAsync("--help");
        Assert.Contains("top", error);
        Assert.Contains("demo", error);
    }

    [Fact]
    public async Task TopHelpExplainsAgentKeysAndCredentials()
    {
        (int exit, string error) = await CommandLineTests.RunAsync("top", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--agent", error);
        Assert.Contains("127.0.0.1:9745", error);
        Assert.Contains("NETSCOPE_AGENT_PASSWORD", error);
        Assert.Contains("NO_COLOR", error);
    }

    [Fact]
    public async Task TopWithoutAReachableAgentSaysSoAndExitsOne()
    {
        int port = FreeTcpPort();
        (int exit, string error) = await CommandLineTests.RunAsync("top", "--agent", $"127.0.0.1:{port}", "--once");
        Assert.Equal(1, exit);
        Assert.Contains($"no agent reachable at http://127.0.0.1:{port}", error);
        Assert.Contains("netscope run", error);
    }

    [Theory]
    [InlineData("--agent", "nowhere", "--agent 'nowhere'")]
    [InlineData("--interval", "0", "--interval '0'")]
    [InlineData("--insecure", null, "use --agent https://")]
    public async Task BadTopArgumentsAreUsageErrors(string flag, string? value, string message)
    {
        (int exit, string error) = await CommandLineTests.RunAsync(value is null ? ["top", flag] : ["top", flag, value]);
        Assert.Equal(2, exit);
        Assert.Contains(message, error);
    }

    [Fact]
    public async Task DemoHelpExplainsDurationAndCleanUp()
    {
        (int exit, string error) = await CommandLineTests.RunAsync("demo", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--duration", error);
        Assert.Contains("Ctrl-C", error);
    }

    [Fact]
    public async Task NegativeDemoDurationIsAUsageError()
    {
        (int exit, string error) = await CommandLineTests.RunAsync("demo", "--duration", "-1");
        Assert.Equal(2, exit);
        Assert.Contains("--duration -1", error);
    }

    private static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
