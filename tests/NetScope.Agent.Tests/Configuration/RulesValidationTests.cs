using System.Net;
using NetScope.Agent.Configuration;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Tests.Configuration;

public class RulesValidationTests
{
    private const string IssueExample = """
        interfaces: [eth0]
        allow: [10.0.0.0/8]
        rules:
          - name: login-flood
            match: {ports: [80, 8080], methods: [POST], path_prefix: /login, sources: [0.0.0.0/0]}
            threshold: 50/1s
            action: drop
            mode: enforce
            block_for: 5m
          - name: get-flood
            match: {methods: [GET]}
            threshold: 1000/10s
            action: alert
          - name: tls-conn-flood
            match: {ports: [443]}
            count: connections
            threshold: 100/1s
            action: drop
            block_for: 1m
          - name: bad-net
            match: {sources: [203.0.113.0/24]}
            action: drop
        """;

    private static string Only(string yaml)
    {
        ConfigException ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "r.yaml"));
        return Assert.Single(ex.Errors);
    }

    [Fact]
    public void TheDocumentedExampleIsValid()
    {
        AgentConfig config = ConfigLoader.Parse(IssueExample, "r.yaml");
        Assert.Equal(["eth0"], config.Interfaces!);
        Assert.Equal([IPNetwork.Parse("10.0.0.0/8")], config.Allow);
        Assert.Equal(4, config.Rules.Count);
        RuleConfig login = config.Rules[0];
        Assert.Equal([(ushort)80, (ushort)8080], login.Ports);
        Assert.Equal([HfMethod.Post], login.Methods);
        Assert.Equal("/login", login.PathPrefix);
        Assert.Equal(new Rate(50, TimeSpan.FromSeconds(1)), login.Threshold);
        Assert.Equal(HfAction.Drop, login.Action);
        Assert.Equal(TimeSpan.FromMinutes(5), login.BlockFor);
        Assert.Equal(HfCountKind.Connections, config.Rules[2].Count);
        Assert.Null(config.Rules[3].Threshold);
    }

    [Fact]
    public void UnknownRuleKeyIsPositioned() =>
        Assert.Equal("r.yaml:3:5: rules[0]: unknown key 'treshold' (known here: name, match, count, threshold, action, mode, block_for, confirm_drop_all)",
            Only("rules:\n  - name: a\n    treshold: 5/1s\n    match: {ports: [80]}\n    action: alert\n"));

    [Fact]
    public void UnknownMatchKeyIsPositioned() =>
        Assert.StartsWith("r.yaml:2:23: rules[0].match: unknown key 'port'", Only("rules:\n  - {name: a, match: {port: [80]}, action: alert}\n"));

    [Theory]
    [InlineData("10.0.0.1/8", "host bits set")]
    [InlineData("10.0.0.0/33", "prefix length out of range")]
    [InlineData("example.com", "not an IPv4/IPv6 address or CIDR")]
    public void BadCidrsAreExplained(string cidr, string reason) =>
        Assert.Contains(reason, Only($"allow: [{cidr}]\n"));

    [Fact]
    public void SingleAddressesAreHostPrefixes() =>
        Assert.Equal(IPNetwork.Parse("192.0.2.7/32"), ConfigLoader.Parse("allow: [192.0.2.7]\n", "r").Allow[0]);

    [Theory]
    [InlineData("threshold: 5", "is not a rate")]
    [InlineData("threshold: 0/1s", "is not a rate")]
    [InlineData("threshold: 5/1x", "is not a rate")]
    [InlineData("threshold: -5/1s", "is not a rate")]
    public void BadRatesAreRefused(string line, string message) =>
        Assert.Contains(message, Only($"rules:\n  - name: a\n    match: {{ports: [80]}}\n    action: alert\n    {line}\n"));

    [Fact]
    public void RateUnitWithoutNumberMeansOne() =>
        Assert.Equal(TimeSpan.FromSeconds(1), ConfigLoader.Parse("rules:\n  - {name: a, match: {ports: [80]}, action: alert, threshold: 10/s}\n", "r").Rules[0].Threshold!.Window);

    [Fact]
    public void BadDurationIsRefused() =>
        Assert.Contains("'5 minutes' is not a duration", Only("rules:\n  - {name: a, match: {ports: [80]}, action: drop, threshold: 5/1s, block_for: 5 minutes}\n"));

    [Fact]
    public void DuplicateNamesAreRefused() =>
        Assert.Contains("rule 'a': duplicate name", Only("rules:\n  - {name: a, match: {ports: [80]}, action: alert}\n  - {name: a, match: {ports: [81]}, action: alert}\n"));

    [Fact]
    public void EmptyMatchIsRefused()
    {
        Assert.Contains("rule 'a': empty match", Only("rules:\n  - {name: a, match: {}, action: alert, threshold: 5/1s}\n"));
        Assert.Contains("rule 'a': empty match", Only("rules:\n  - {name: a, action: alert, threshold: 5/1s}\n"));
    }

    [Fact]
    public void TooManyRulesForTheMaps()
    {
        string rules = string.Concat(Enumerable.Range(0, 33).Select(i => $"  - {{name: r{i}, match: {{ports: [{i + 1}]}}, action: alert}}\n"));
        Assert.Contains("33 rules, but the XDP maps hold at most 32", Only("rules:\n" + rules));
    }

    [Fact]
    public void TooManyPortsOrTooLongPath()
    {
        Assert.Contains("9 ports, at most 8", Only("rules:\n  - {name: a, match: {ports: [1,2,3,4,5,6,7,8,9]}, action: alert}\n"));
        Assert.Contains("XDP compares at most 32", Only($"rules:\n  - {{name: a, match: {{path_prefix: /{new string('a', 32)}}}, action: alert}}\n"));
    }

    [Fact]
    public void DropAllWithoutThresholdNeedsConfirmation()
    {
        Assert.Contains("would drop every matching packet from every source", Only("rules:\n  - {name: a, match: {ports: [80]}, action: drop}\n"));
        Assert.Contains("would drop every matching packet", Only("rules:\n  - {name: a, match: {sources: [0.0.0.0/0]}, action: drop}\n"));
        Assert.Single(ConfigLoader.Parse("rules:\n  - {name: a, match: {ports: [80]}, action: drop, confirm_drop_all: true}\n", "r").Rules);
    }

    [Fact]
    public void ConnectionsRulesCannotMatchHttpFields() =>
        Assert.Contains("carry no HTTP method or path", Only("rules:\n  - {name: a, match: {methods: [GET]}, count: connections, threshold: 5/1s, action: alert}\n"));

    [Fact]
    public void BlockForNeedsADropRuleWithAThreshold() =>
        Assert.Contains("block_for needs action: drop and a threshold", Only("rules:\n  - {name: a, match: {ports: [80]}, action: alert, threshold: 5/1s, block_for: 1m}\n"));

    [Fact]
    public void MethodsAndNamesAreChecked()
    {
        Assert.Contains("'get' is not one of GET", Only("rules:\n  - {name: a, match: {methods: [get]}, action: alert}\n"));
        Assert.Contains("must be 1-63 characters", Only("rules:\n  - {name: Login Flood, match: {ports: [80]}, action: alert}\n"));
        Assert.Contains("'action' is required", Only("rules:\n  - {name: a, match: {ports: [80]}}\n"));
    }

    [Fact]
    public void AllErrorsOfAFileAreReportedTogether()
    {
        ConfigException ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("allow: [bogus]\nrules:\n  - {name: a, match: {ports: [0]}, action: maybe}\n", "r"));
        Assert.Equal(3, ex.Errors.Count);
    }

    [Fact]
    public void XdpMapSizesAreReadAndBounded()
    {
        Assert.Equal(new XdpLimits(200_000, 4096), ConfigLoader.Parse("xdp: {max_tracked_sources: 200000, max_blocked_sources: 4096}\n", "r").Xdp);
        Assert.Equal(new XdpLimits(), ConfigLoader.Parse("", "r").Xdp);
        Assert.Contains("must be a whole number from 1024", Only("xdp: {max_tracked_sources: 10}\n"));
    }
}
