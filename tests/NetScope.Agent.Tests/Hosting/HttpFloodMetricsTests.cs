using System.Text;
using NetScope.Agent.Hosting;
using NetScope.Agent.Probes;
using NetScope.Agent.Rules;
using Prometheus;

namespace NetScope.Agent.Tests.Hosting;

public class HttpFloodMetricsTests
{
    private static CompiledRule Rule(int id, string name, HfMode mode = HfMode.Enforce) =>
        new(id, name, new HfRule { Active = 1, Action = HfAction.Drop, Mode = mode, Threshold = 10, WindowNs = 1_000_000_000 });

    private static CompiledRuleSet Set(long generation, IReadOnlySet<int> reset, params CompiledRule[] rules) =>
        new(generation, rules, [], [], reset);

    private static FloodInterfaceReading Reading(string name, Action<ulong[]> fill, int[]? blocks = null, long events = 0)
    {
        var counters = new ulong[HfCounter.Max];
        fill(counters);
        return new FloodInterfaceReading(name, counters, blocks ?? new int[32], events);
    }

    private static string Export(CollectorRegistry registry)
    {
        using var buffer = new MemoryStream();
        registry.CollectAndExportAsTextAsync(buffer).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Fact]
    public void PerInterfaceCountersFollowTheKernel()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new HttpFloodMetrics(registry);
        metrics.SetAttached("eth0", true);
        metrics.SetAttached("eth1", false);
        metrics.Update(
        [
            Reading("eth0", c =>
            {
                c[HfCounter.MethodBase + (int)HfMethod.Get] = 7;
                c[HfCounter.MethodBase + (int)HfMethod.Other] = 2;
                c[HfCounter.ParseBase + 11] = 4; // not_tcp
                c[HfCounter.Passed] = 30;
                c[HfCounter.Dropped] = 5;
                c[HfCounter.Allowlisted] = 3;
                c[HfCounter.EventsLost] = 1;
            }, events: 9),
        ]);

        string text = Export(registry);
        Assert.Contains("netscope_http_requests_total{interface=\"eth0\",method=\"GET\"} 7", text);
        Assert.Contains("netscope_http_requests_total{interface=\"eth0\",method=\"other\"} 2", text);
        Assert.Contains("netscope_xdp_parse_errors_total{interface=\"eth0\",reason=\"not_tcp\"} 4", text);
        Assert.Contains("netscope_xdp_packets_total{interface=\"eth0\",verdict=\"pass\"} 30", text);
        Assert.Contains("netscope_xdp_packets_total{interface=\"eth0\",verdict=\"drop\"} 5", text);
        Assert.Contains("netscope_xdp_allowlisted_packets_total{interface=\"eth0\"} 3", text);
        Assert.Contains("netscope_events_received_total{ring=\"hf_events\"} 9", text);
        Assert.Contains("netscope_events_lost_total{ring=\"hf_events\",source=\"kernel\"} 1", text);
        Assert.Contains("netscope_xdp_attached{interface=\"eth1\"} 0", text);
    }

    [Fact]
    public void RuleCountersSumInterfacesAndSurviveReloadsOfUnchangedRules()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new HttpFloodMetrics(registry);
        CompiledRuleSet first = Set(1, new HashSet<int> { 0 }, Rule(0, "login"));
        metrics.OnApplied("eth0", first, new ulong[HfCounter.Max]);
        metrics.OnApplied("eth1", first, new ulong[HfCounter.Max]);
        metrics.OnRuleSetChanged(first);
        var blocks = new int[32];
        blocks[0] = 2;
        metrics.Update([Reading("eth0", c => c[HfCounter.RuleDrops] = 4, blocks), Reading("eth1", c => c[HfCounter.RuleDrops] = 6, blocks)]);
        Assert.Contains("netscope_rule_dropped_packets_total{rule=\"login\"} 10", Export(registry));
        Assert.Contains("netscope_rule_blocked_sources{rule=\"login\"} 4", Export(registry));

        // Same rule, same id, nothing reset: the count carries on.
        CompiledRuleSet second = Set(2, new HashSet<int>(), Rule(0, "login"), Rule(1, "search"));
        metrics.OnApplied("eth0", second, new ulong[HfCounter.Max]);
        metrics.OnRuleSetChanged(second);
        metrics.Update([Reading("eth0", c => c[HfCounter.RuleDrops] = 5), Reading("eth1", c => c[HfCounter.RuleDrops] = 6)]);
        string text = Export(registry);
        Assert.Contains("netscope_rule_dropped_packets_total{rule=\"login\"} 11", text);
        Assert.Contains("netscope_rule_dropped_packets_total{rule=\"search\"} 0", text);
    }

    [Fact]
    public void AReusedIdStartsAtZeroAndARemovedRuleDisappears()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new HttpFloodMetrics(registry);
        CompiledRuleSet first = Set(1, new HashSet<int> { 0 }, Rule(0, "login"));
        metrics.OnRuleSetChanged(first);
        metrics.Update([Reading("eth0", c => { c[HfCounter.RuleMatches] = 50; c[HfCounter.RuleAlerts] = 2; })]);
        Assert.Contains("netscope_rule_matches_total{rule=\"login\",action=\"drop\",mode=\"enforce\"} 50", Export(registry));

        // Id 0 now means a different rule: its series starts from the kernel value at the flip.
        CompiledRuleSet second = Set(2, new HashSet<int> { 0 }, Rule(0, "api", HfMode.Shadow));
        var atFlip = new ulong[HfCounter.Max];
        atFlip[HfCounter.RuleMatches] = 52;
        atFlip[HfCounter.RuleAlerts] = 2;
        metrics.OnApplied("eth0", second, atFlip);
        metrics.OnRuleSetChanged(second);
        metrics.Update([Reading("eth0", c => { c[HfCounter.RuleMatches] = 55; c[HfCounter.RuleAlerts] = 2; })]);
        string text = Export(registry);
        Assert.DoesNotContain("rule=\"login\"", text);
        Assert.Contains("netscope_rule_matches_total{rule=\"api\",action=\"drop\",mode=\"shadow\"} 3", text);
        Assert.Contains("netscope_rule_alerts_total{rule=\"api\"} 0", text);
    }
}
