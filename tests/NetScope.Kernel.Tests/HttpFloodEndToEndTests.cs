using System.Diagnostics;
using System.Net;
using System.Text;
using NetScope.Agent.Configuration;
using NetScope.Agent.Decoding;
using NetScope.Agent.Hosting;
using NetScope.Agent.Probes;
using NetScope.Agent.Rules;
using NetScope.Exporters.Abstractions;
using NetScope.Native;
using Prometheus;

namespace NetScope.Kernel.Tests;

/// <summary>
/// Real traffic through the XDP filter: the program is attached to the server side of a veth pair in
/// a private namespace (<see cref="FloodTestNetwork"/>); curl in the client namespace plays the
/// attacker (10.77.0.3) and a legitimate, allowlisted client (10.77.0.2). Rules are built here as
/// hf_rule values, independent of the config compiler.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class HttpFloodEndToEndTests
{
    private const uint Threshold = 20;
    private const string RuleName = "get-flood";
    private static readonly TimeSpan s_blockFor = TimeSpan.FromSeconds(3);

    [SkippableFact]
    public async Task EnforceRuleBlocksTheAttackerSparesTheClientAndTheBlockExpires()
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        using FloodTestNetwork network = FloodTestNetwork.Create();
        var registry = Metrics.NewCustomRegistry();
        var logger = new CapturingLogger<HttpFloodService>();
        using var service = new HttpFloodService(new AgentOptions { Config = new AgentConfig { Interfaces = [FloodTestNetwork.ServerInterface] } }, registry, new Readiness(), logger);
        // The rules reloader may apply before the service starts: the set must reach the probe on attach.
        service.Apply(RuleSet(1, HfMode.Enforce));
        network.InServerNamespace(() => service.StartAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(5)));
        HttpFloodProbe probe = Assert.Single(service.Probes);

        var sinceBurst = Stopwatch.StartNew();
        List<string> attacker = network.Get(FloodTestNetwork.AttackerAddress, 23, 0.5);
        int served = attacker.TakeWhile(c => c == "200").Count();
        Assert.InRange(served, (int)Threshold - 3, (int)Threshold);
        Assert.All(attacker.Skip(served), c => Assert.Equal("000", c));

        // Allowlisted, so never counted, even past the threshold while the attacker is blocked.
        Assert.All(network.Get(FloodTestNetwork.LegitAddress, 25, 1), c => Assert.Equal("200", c));

        ulong[] counters = probe.ReadCounters();
        Assert.True(counters[HfCounter.RuleDrops] > 0, "rule 0 dropped nothing");
        Assert.Equal(1UL, counters[HfCounter.RuleAlerts]);
        Assert.True(counters[HfCounter.Allowlisted] > 0, "nothing was allowlisted");
        Assert.Equal(0UL, counters[HfCounter.RuleShadowDrops]);

        FloodSnapshot snapshot = service.GetSnapshot(10);
        Assert.Equal(1, snapshot.Generation);
        Assert.Equal(new FloodInterfaceStatus(FloodTestNetwork.ServerInterface, true), Assert.Single(snapshot.Interfaces));
        FloodRuleStatus rule = Assert.Single(snapshot.Rules);
        Assert.Equal(1, rule.BlockedSources);
        FloodOffender offender = Assert.Single(rule.TopOffenders);
        Assert.Equal(FloodTestNetwork.AttackerAddress, offender.Source);
        Assert.Equal("blocked", offender.State);
        Assert.InRange(offender.BlockExpiresInSeconds, 0.01, s_blockFor.TotalSeconds);
        Assert.True(offender.WindowCount > Threshold);

        string metrics = await Scrape(registry);
        Assert.Contains($"netscope_xdp_attached{{interface=\"{FloodTestNetwork.ServerInterface}\"}} 1", metrics);
        Assert.Matches($"netscope_rule_dropped_packets_total{{rule=\"{RuleName}\"}} [1-9]", metrics);
        Assert.Contains($"netscope_rule_alerts_total{{rule=\"{RuleName}\"}} 1", metrics);
        Assert.Contains($"netscope_rule_blocked_sources{{rule=\"{RuleName}\"}} 1", metrics);
        Assert.Matches($"netscope_http_requests_total{{interface=\"{FloodTestNetwork.ServerInterface}\",method=\"GET\"}} [1-9]", metrics);
        Assert.Matches($"netscope_xdp_packets_total{{interface=\"{FloodTestNetwork.ServerInterface}\",verdict=\"drop\"}} [1-9]", metrics);

        // Events: THRESHOLD_CROSSED then BLOCKED, logged with the rule, the source and the interface.
        Assert.True(SpinWait.SpinUntil(() => probe.EventsReceived >= 2, TimeSpan.FromSeconds(2)), $"events received: {probe.EventsReceived}");
        Assert.Contains(logger.Lines, l => l.Contains("threshold_crossed", StringComparison.Ordinal) && l.Contains(RuleName, StringComparison.Ordinal)
            && l.Contains(FloodTestNetwork.AttackerAddress, StringComparison.Ordinal) && l.Contains(FloodTestNetwork.ServerInterface, StringComparison.Ordinal));
        Assert.Contains(logger.Lines, l => l.Contains("blocked", StringComparison.Ordinal) && l.Contains("mode enforce", StringComparison.Ordinal));

        // The block ends after block_for: the attacker gets through again, not before.
        TimeSpan? back = null;
        while (sinceBurst.Elapsed < s_blockFor + TimeSpan.FromSeconds(3))
        {
            if (network.Get(FloodTestNetwork.AttackerAddress, 1, 0.5) is ["200"])
            {
                back = sinceBurst.Elapsed;
                break;
            }
        }

        Assert.NotNull(back);
        Assert.True(back >= s_blockFor - TimeSpan.FromSeconds(0.6), $"attacker back after {back}, block_for {s_blockFor}");
        await service.StopAsync(CancellationToken.None);
    }

    [SkippableFact]
    public void ShadowRuleCountsWouldBeDropsAndDropsNothing()
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        using FloodTestNetwork network = FloodTestNetwork.Create();
        using HttpFloodProbe probe = network.InServerNamespace(() => HttpFloodProbe.Attach(FloodTestNetwork.ServerInterface, TestKernel.Logger));
        probe.Apply(RuleSet(1, HfMode.Shadow));

        Assert.All(network.Get(FloodTestNetwork.AttackerAddress, 30, 1), c => Assert.Equal("200", c));

        ulong[] counters = probe.ReadCounters();
        Assert.True(counters[HfCounter.RuleShadowDrops] >= 5, $"shadow drops {counters[HfCounter.RuleShadowDrops]}");
        Assert.Equal(1UL, counters[HfCounter.RuleAlerts]);
        Assert.Equal(0UL, counters[HfCounter.RuleDrops]);
        Assert.Equal(0UL, counters[HfCounter.Dropped]);
        FloodBlockEntry block = Assert.Single(probe.ReadBlocks(MonotonicClock.NowNs, withWindowCounts: true));
        Assert.Equal(IPAddress.Parse(FloodTestNetwork.AttackerAddress), block.Source);
    }

    [SkippableFact]
    public void EmptyRuleSetRestoresABlockedAttackerWithinTwoSeconds()
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        using FloodTestNetwork network = FloodTestNetwork.Create();
        using HttpFloodProbe probe = network.InServerNamespace(() => HttpFloodProbe.Attach(FloodTestNetwork.ServerInterface, TestKernel.Logger));
        probe.Apply(RuleSet(1, HfMode.Enforce));
        Assert.Equal("000", network.Get(FloodTestNetwork.AttackerAddress, 22, 0.5)[^1]);
        Assert.Single(probe.ReadBlocks(MonotonicClock.NowNs, withWindowCounts: false));

        var sinceApply = Stopwatch.StartNew();
        probe.Apply(new CompiledRuleSet(2, [], [], [], new HashSet<int>()));
        bool back = false;
        while (!back && sinceApply.Elapsed < TimeSpan.FromSeconds(2))
        {
            back = network.Get(FloodTestNetwork.AttackerAddress, 1, 0.5) is ["200"];
        }

        Assert.True(back, "attacker still blocked 2 s after the empty rule set");
        // The kernel deleted the entry of the vanished rule when the attacker sent again.
        Assert.Empty(probe.ReadBlocks(MonotonicClock.NowNs, withWindowCounts: false));
    }

    [SkippableFact]
    public void SweepDeletesExpiredBlocks()
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        using FloodTestNetwork network = FloodTestNetwork.Create();
        using HttpFloodProbe probe = network.InServerNamespace(() => HttpFloodProbe.Attach(FloodTestNetwork.ServerInterface, TestKernel.Logger));
        probe.Apply(RuleSet(1, HfMode.Enforce));
        network.Get(FloodTestNetwork.AttackerAddress, 22, 0.5);
        FloodBlockEntry block = Assert.Single(probe.ReadBlocks(MonotonicClock.NowNs, withWindowCounts: false));

        Assert.Equal(0, probe.SweepExpiredBlocks(block.ExpiresNs - 1));
        Assert.Equal(1, probe.SweepExpiredBlocks(block.ExpiresNs));
        Assert.Empty(probe.ReadBlocks(0, withWindowCounts: false));
    }

    [SkippableFact]
    public void MapSizesFromTheConfigAreApplied()
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        using FloodTestNetwork network = FloodTestNetwork.Create();
        using HttpFloodProbe probe = network.InServerNamespace(() => HttpFloodProbe.Attach(FloodTestNetwork.ServerInterface, TestKernel.Logger, new XdpLimits(4096, 2048)));
        Assert.Equal(4096, probe.MapMaxEntries("hf_src_state"));
        Assert.Equal(2048, probe.MapMaxEntries("hf_blocks"));
    }

    [SkippableFact]
    public void AttachToAMissingInterfaceNamesIt()
    {
        KernelTestGuard.Require();
        BpfException error = Assert.Throws<BpfException>(() => HttpFloodProbe.Attach("nsf-missing0", TestKernel.Logger));
        Assert.Contains("'nsf-missing0'", error.Message, StringComparison.Ordinal);
        Assert.Equal(Errno.ENODEV, error.Errno);
    }

    [SkippableFact]
    public async Task ServiceKeepsRunningWhenAnInterfaceCannotBeAttached()
    {
        KernelTestGuard.Require();
        var registry = Metrics.NewCustomRegistry();
        var logger = new CapturingLogger<HttpFloodService>();
        var readiness = new Readiness();
        using var service = new HttpFloodService(new AgentOptions { Config = new AgentConfig { Interfaces = ["nsf-missing0"] } }, registry, readiness, logger);
        await service.StartAsync(CancellationToken.None);
        service.Apply(RuleSet(1, HfMode.Enforce));

        Assert.True(readiness.IsReady);
        Assert.Empty(service.Probes);
        Assert.Contains(logger.Lines, l => l.StartsWith("Error", StringComparison.Ordinal) && l.Contains("nsf-missing0", StringComparison.Ordinal));
        Assert.Contains("netscope_xdp_attached{interface=\"nsf-missing0\"} 0", await Scrape(registry));
        Assert.Equal(new FloodInterfaceStatus("nsf-missing0", false), Assert.Single(service.GetSnapshot(10).Interfaces));
        await service.StopAsync(CancellationToken.None);
    }

    /// <summary>One GET rule on port 8080: 20 per 1 s per source, block 3 s, any source; the legit client allowlisted.</summary>
    private static unsafe CompiledRuleSet RuleSet(long generation, HfMode mode)
    {
        var rule = new HfRule
        {
            Active = 1,
            Action = HfAction.Drop,
            Mode = mode,
            CountKind = HfCountKind.Requests,
            MethodMask = 1 << (int)HfMethod.Get,
            PortCount = 1,
            Threshold = Threshold,
            WindowNs = 1_000_000_000,
            BlockNs = (ulong)s_blockFor.TotalNanoseconds,
        };
        rule.Ports[0] = FloodTestNetwork.Port;
        return new CompiledRuleSet(
            generation,
            [new CompiledRule(0, RuleName, rule)],
            [KeyValuePair.Create(default(HfLpmKey), 1UL)], // ::/0, any source
            [Key(IPAddress.Parse(FloodTestNetwork.LegitAddress), 96 + 32)],
            new HashSet<int> { 0 });
    }

    private static unsafe HfLpmKey Key(IPAddress address, uint prefixlen)
    {
        var key = new HfLpmKey { Prefixlen = prefixlen };
        FloodAddress.Write(address, new Span<byte>(key.Addr, FloodAddress.Length));
        return key;
    }

    private static async Task<string> Scrape(CollectorRegistry registry)
    {
        using var buffer = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
