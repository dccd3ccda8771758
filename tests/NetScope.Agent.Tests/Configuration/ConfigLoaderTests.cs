using System.Net;
using NetScope.Agent.Configuration;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.Tests.Configuration;

public class ConfigLoaderTests
{
    private static ConfigException Invalid(string yaml) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "test.yaml"));

    [Fact]
    public void EmbeddedDefaultIsValidAndSafe()
    {
        AgentConfig config = ConfigLoader.Parse(EmbeddedDefaultConfig.Text, EmbeddedDefaultConfig.SourceName);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9745), config.Listen);
        Assert.Equal(3, config.Rungs.Count);
        Assert.Null(config.TracepointHooks);
        Assert.Null(config.Interfaces);
        Assert.Empty(config.Rules);
    }

    [Fact]
    public void EmptyFileMeansDefaults() => Assert.Equal(9745, ConfigLoader.Parse("", "empty.yaml").Listen.Port);

    [Fact]
    public void ReadsEveryKey()
    {
        AgentConfig config = ConfigLoader.Parse("listen: '[::1]:9000'\nprobes:\n  rungs: [tracepoint]\n  tracepoint_hooks: syscalls\ninterfaces: []\n", "x.yaml");
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 9000), config.Listen);
        Assert.Equal([HookRung.Tracepoint], config.Rungs);
        Assert.Equal(HookSet.Syscalls, config.TracepointHooks);
        Assert.Equal("x.yaml", config.Source);
    }

    [Fact]
    public void UnknownKeyNamesFileLineAndColumn()
    {
        ConfigException ex = Invalid("listen: 127.0.0.1:9745\nlisten_port: 80\n");
        Assert.Equal("test.yaml:2:1: unknown key 'listen_port' (known here: listen, probes, interfaces, allow, rules, xdp, tcp, heatmap, events, privacy, otlp)", Assert.Single(ex.Errors));
    }

    [Fact]
    public void NestedUnknownKeyIsPositioned() =>
        Assert.StartsWith("test.yaml:2:3: probes: unknown key 'rung'", Assert.Single(Invalid("probes:\n  rung: [kprobe]\n").Errors));

    [Fact]
    public void BadListenIsPositioned() =>
        Assert.StartsWith("test.yaml:1:9: listen: 'localhost' is not ADDRESS:PORT", Assert.Single(Invalid("listen: localhost\n").Errors));

    [Fact]
    public void BadAndDuplicateRungsAreAllReported()
    {
        ConfigException ex = Invalid("probes:\n  rungs: [uprobe, kprobe, kprobe]\n");
        Assert.Equal(2, ex.Errors.Count);
        Assert.StartsWith("test.yaml:2:11: probes.rungs: 'uprobe' is not one of", ex.Errors[0]);
        Assert.StartsWith("test.yaml:2:27: probes.rungs: 'kprobe' is listed twice", ex.Errors[1]);
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("sock", "Sock")]
    [InlineData("SYSCALLS", "Syscalls")]
    public void TracepointHooksAreAutoOrATracepointHookSet(string text, string? expected) =>
        Assert.Equal(expected, ConfigLoader.Parse($"probes:\n  tracepoint_hooks: {text}\n", "x").TracepointHooks?.ToString());

    [Fact]
    public void TracepointHooksOfAnotherRungAreRefusedWithTheChoices() =>
        Assert.Equal(
            "test.yaml:2:21: probes.tracepoint_hooks: 'tcp' is not one of auto, sock, syscalls",
            Assert.Single(Invalid("probes:\n  tracepoint_hooks: tcp\n").Errors));

    [Fact]
    public void EmptyRungListIsRefused() =>
        Assert.Contains("at least one rung", Assert.Single(Invalid("probes:\n  rungs: []\n").Errors));

    [Fact]
    public void WrongShapeIsRefused()
    {
        Assert.Contains("expected a list", Assert.Single(Invalid("interfaces: eth0\n").Errors));
        Assert.Contains("expected a mapping", Assert.Single(Invalid("probes: yes\n").Errors));
        Assert.Contains("expected a mapping", Assert.Single(Invalid("- a\n- b\n").Errors));
    }

    [Fact]
    public void InterfacesAbsentMeansDefaultRouteAndEmptyMeansOff()
    {
        Assert.Null(ConfigLoader.Parse("listen: 127.0.0.1:9745\n", "x").Interfaces);
        Assert.Empty(ConfigLoader.Parse("interfaces: []\n", "x").Interfaces!);
        Assert.Equal(["eth0", "veth1"], ConfigLoader.Parse("interfaces: [eth0, veth1]\n", "x").Interfaces!);
    }

    [Fact]
    public void BrokenYamlIsPositioned() =>
        Assert.StartsWith("test.yaml:1:9: not valid YAML", Assert.Single(Invalid("listen: 'unterminated\n").Errors));

    [Fact]
    public void UnbalancedYamlIsAConfigError() => Assert.Single(Invalid("listen: [\nprobes: {\n").Errors);

    [Fact]
    public void UnreadableFileNamesThePath()
    {
        ConfigException ex = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile("/nonexistent/netscope.yaml"));
        Assert.StartsWith("/nonexistent/netscope.yaml: cannot read", ex.Message);
    }

    [Fact]
    public void DeployedConfigsAreValid()
    {
        string root = NetScope.Tests.Shared.RepoPaths.Root;
        ConfigLoader.LoadFile(Path.Combine(root, "deploy/systemd/config.yaml"));
    }

    [Fact]
    public void HeatmapSettingsAreReadAndBounded()
    {
        Assert.Equal(new HeatmapSettings(TimeSpan.FromSeconds(5), 120), ConfigLoader.Parse("heatmap: {interval: 5s, columns: 120}\n", "h").Heatmap);
        Assert.Equal(new HeatmapSettings(), ConfigLoader.Parse("", "h").Heatmap);
        Assert.Contains("must be from 100ms to 10m", Assert.Single(Invalid("heatmap: {interval: 10ms}\n").Errors));
        Assert.Contains("from 2 to 10000", Assert.Single(Invalid("heatmap: {columns: 1}\n").Errors));
    }

    [Fact]
    public void TcpSeriesSettingsAreReadAndBounded()
    {
        TcpSeriesSettings tcp = ConfigLoader.Parse("tcp: {ports: [80, 443, 80], max_tracked_ports: 10}\n", "t").Tcp;
        Assert.Equal([(ushort)80, (ushort)443], tcp.Ports);
        Assert.Equal(10, tcp.MaxTrackedSeries);
        Assert.Equal(64, ConfigLoader.Parse("", "t").Tcp.MaxTrackedSeries);
        Assert.Contains("is not a TCP port", Assert.Single(Invalid("tcp: {ports: [0]}\n").Errors));
        Assert.Contains("from 0 to 4096", Assert.Single(Invalid("tcp: {max_tracked_ports: 9999}\n").Errors));
    }
}
