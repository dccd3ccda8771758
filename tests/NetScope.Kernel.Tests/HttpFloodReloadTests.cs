using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NetScope.Agent.Configuration;
using NetScope.Agent.Hosting;
using Prometheus;

namespace NetScope.Kernel.Tests;

/// <summary>
/// Hot reload end to end: rules come from a config file through RulesReloader (the agent's own path for
/// file changes, ConfigMap swaps and SIGHUP) into the XDP maps of a real, attached filter.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public sealed class HttpFloodReloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("netscope-flood-reload-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Rules(string rules) =>
        $"interfaces: [{FloodTestNetwork.ServerInterface}]\nrules:\n{rules}";

    private const string GetFlood =
        "  - name: get-flood\n    match: {ports: [8080], methods: [GET]}\n    threshold: 20/1s\n    action: drop\n    block_for: 1m\n";

    [SkippableFact]
    public async Task RemovingTheRuleRestoresTheAttackerWithinTwoSecondsAndAnInvalidFileChangesNothing()
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        using FloodTestNetwork network = FloodTestNetwork.Create();
        string path = Path.Combine(_directory, "config.yaml");
        await File.WriteAllTextAsync(path, Rules(GetFlood));
        var options = new AgentOptions { ConfigPath = path, Config = ConfigLoader.LoadFile(path) };
        var registry = Metrics.NewCustomRegistry();
        using var service = new HttpFloodService(options, registry, new Readiness(), NullLogger<HttpFloodService>.Instance);
        using var reloader = new RulesReloader(options, [service], registry, NullLogger<RulesReloader>.Instance);
        network.InServerNamespace(() => service.StartAsync(CancellationToken.None).Wait(TimeSpan.FromSeconds(5)));
        await reloader.StartAsync(CancellationToken.None);
        try
        {
            // The attacker crosses 20/1s and is blocked for a minute; the other client, not allowlisted but
            // under the threshold, keeps getting 200s: state is per source.
            List<string> burst = network.Get(FloodTestNetwork.AttackerAddress, 25, 0.5);
            Assert.Contains("000", burst);
            Assert.All(network.Get(FloodTestNetwork.LegitAddress, 5, 1), c => Assert.Equal("200", c));

            // An invalid file: logged, counted, and the block stays.
            await File.WriteAllTextAsync(path, Rules(GetFlood.Replace("action: drop", "action: obliterate", StringComparison.Ordinal)));
            Assert.True(SpinWait.SpinUntil(() => Scrape(registry).Contains("netscope_rules_last_reload_success 0", StringComparison.Ordinal), TimeSpan.FromSeconds(3)));
            Assert.Equal(["000"], network.Get(FloodTestNetwork.AttackerAddress, 1, 0.5));
            Assert.Equal(1, reloader.Current!.Generation);

            // Remove the rule: the attacker gets 200s again within 2 s of the file change.
            var sinceChange = Stopwatch.StartNew();
            await File.WriteAllTextAsync(path, Rules("  []\n").Replace("rules:\n  []", "rules: []", StringComparison.Ordinal));
            TimeSpan? restored = null;
            while (sinceChange.Elapsed < TimeSpan.FromSeconds(4))
            {
                if (network.Get(FloodTestNetwork.AttackerAddress, 1, 0.3) is ["200"])
                {
                    restored = sinceChange.Elapsed;
                    break;
                }
            }

            Assert.True(restored is not null && restored < TimeSpan.FromSeconds(2), $"attacker restored after {restored?.TotalSeconds ?? double.NaN:F2} s");
            Assert.Equal(2, reloader.Current!.Generation);
            Assert.Contains("netscope_rules_reloads_total{result=\"success\"} 1", Scrape(registry));
        }
        finally
        {
            await reloader.StopAsync(CancellationToken.None);
            await service.StopAsync(CancellationToken.None);
        }
    }

    private static string Scrape(CollectorRegistry registry)
    {
        using var buffer = new MemoryStream();
        registry.CollectAndExportAsTextAsync(buffer).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
