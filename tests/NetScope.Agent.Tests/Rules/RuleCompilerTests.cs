using System.Net;
using NetScope.Agent.Configuration;
using NetScope.Agent.Probes;
using NetScope.Agent.Rules;

namespace NetScope.Agent.Tests.Rules;

public class RuleCompilerTests
{
    private static AgentConfig Parse(string yaml) => ConfigLoader.Parse(yaml, "c.yaml");

    private static ulong MaskFor(CompiledRuleSet set, string cidr)
    {
        HfLpmKey key = LpmPrefix.From(IPNetwork.Parse(cidr)).ToKey();
        return set.Sources.Single(e => LpmKeyEquals(e.Key, key)).Value;
    }

    private static unsafe bool LpmKeyEquals(HfLpmKey a, HfLpmKey b) =>
        a.Prefixlen == b.Prefixlen && new ReadOnlySpan<byte>(a.Addr, 16).SequenceEqual(new ReadOnlySpan<byte>(b.Addr, 16));

    [Fact]
    public unsafe void KernelRuleCarriesEveryField()
    {
        CompiledRuleSet set = RuleCompiler.Compile(Parse("rules:\n  - {name: login, match: {ports: [80, 8080], methods: [GET, POST], path_prefix: /login}, threshold: 50/2s, action: drop, mode: shadow, block_for: 5m}\n"), null);
        HfRule rule = Assert.Single(set.Rules).Kernel;
        Assert.Equal(1, rule.Active);
        Assert.Equal(HfAction.Drop, rule.Action);
        Assert.Equal(HfMode.Shadow, rule.Mode);
        Assert.Equal((ushort)0b101, rule.MethodMask);
        Assert.Equal(2, rule.PortCount);
        Assert.Equal(8080, rule.Ports[1]);
        Assert.Equal(6, rule.PathLen);
        Assert.Equal("/login"u8.ToArray(), new ReadOnlySpan<byte>(rule.PathPrefix, 6).ToArray());
        Assert.Equal(50u, rule.Threshold);
        Assert.Equal(2_000_000_000UL, rule.WindowNs);
        Assert.Equal(300_000_000_000UL, rule.BlockNs);
        Assert.Equal(1, set.Generation);
    }

    [Fact]
    public void IPv4PrefixesAreMappedAndShiftedBy96()
    {
        LpmPrefix prefix = LpmPrefix.From(IPNetwork.Parse("203.0.113.0/24"));
        Assert.Equal(120, prefix.Length);
        Assert.True(prefix.Contains(LpmPrefix.From(IPAddress.Parse("203.0.113.9"))));
        Assert.False(prefix.Contains(LpmPrefix.From(IPAddress.Parse("203.0.114.9"))));
        Assert.True(new LpmPrefix(UInt128.Zero, 0).Contains(prefix));
        Assert.True(LpmPrefix.From(IPNetwork.Parse("0.0.0.0/0")).Contains(prefix));
        Assert.False(LpmPrefix.From(IPNetwork.Parse("0.0.0.0/0")).Contains(LpmPrefix.From(IPAddress.Parse("2001:db8::1"))));
    }

    [Fact]
    public void SourcesAreFoldedIntoLongerPrefixes()
    {
        CompiledRuleSet set = RuleCompiler.Compile(Parse("""
            rules:
              - {name: wide, match: {sources: [10.0.0.0/8]}, action: alert}
              - {name: narrow, match: {sources: [10.1.0.0/16]}, action: alert}
              - {name: any, match: {ports: [80]}, action: alert}
            """), null);
        Assert.Equal(0b100UL, MaskFor(set, "::/0"));
        Assert.Equal(0b101UL, MaskFor(set, "10.0.0.0/8"));
        Assert.Equal(0b111UL, MaskFor(set, "10.1.0.0/16"));
    }

    [Fact]
    public void LoopbackAndListenAddressAreAlwaysAllowed()
    {
        CompiledRuleSet set = RuleCompiler.Compile(Parse("listen: 192.0.2.10:9745\nallow: [10.0.0.0/8]\n"), null);
        var allowed = set.Allow.Select(k => k.Prefixlen).ToList();
        Assert.Equal(4, set.Allow.Count);
        Assert.Contains(96u + 8, allowed);   // 127.0.0.0/8 and 10.0.0.0/8
        Assert.Contains(128u, allowed);      // ::1 and 192.0.2.10
    }

    [Fact]
    public void IdsFollowNamesAcrossReloadsAndOnlyChangedRulesReset()
    {
        CompiledRuleSet first = RuleCompiler.Compile(Parse("rules:\n  - {name: a, match: {ports: [80]}, action: alert}\n  - {name: b, match: {ports: [81]}, action: alert}\n"), null);
        Assert.Equal([0, 1], first.ResetIds.Order());
        CompiledRuleSet second = RuleCompiler.Compile(Parse("rules:\n  - {name: b, match: {ports: [81]}, action: alert}\n  - {name: c, match: {ports: [82]}, action: alert}\n  - {name: a, match: {ports: [8080]}, action: alert}\n"), first);
        Assert.Equal(2, second.Generation);
        Assert.Equal(1, second.Rules.Single(r => r.Name == "b").Id);
        Assert.Equal(0, second.Rules.Single(r => r.Name == "a").Id);
        Assert.Equal(2, second.Rules.Single(r => r.Name == "c").Id);
        Assert.Equal([0, 2], second.ResetIds.Order());
    }

    [Fact]
    public void RemovedRuleIdsAreReusedLast()
    {
        CompiledRuleSet first = RuleCompiler.Compile(Parse("rules:\n  - {name: a, match: {ports: [80]}, action: alert}\n"), null);
        CompiledRuleSet second = RuleCompiler.Compile(Parse("rules:\n  - {name: z, match: {ports: [80]}, action: alert}\n"), first);
        Assert.Equal(1, Assert.Single(second.Rules).Id);
        Assert.Contains(1, second.ResetIds);
    }

    [Fact]
    public void NoRulesIsCountOnly()
    {
        CompiledRuleSet set = RuleCompiler.Compile(new AgentConfig(), null);
        Assert.Empty(set.Rules);
        Assert.Empty(set.Sources);
    }
}
