using Microsoft.Extensions.Logging.Abstractions;
using NetScope.Agent.Configuration;
using NetScope.Agent.Hosting;
using NetScope.Agent.Rules;
using Prometheus;

namespace NetScope.Agent.Tests.Hosting;

public sealed class RulesReloaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("netscope-reload-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class RecordingSink : IFloodRuleSink
    {
        private readonly List<CompiledRuleSet> _applied = [];

        public bool Fail { get; set; }

        public IReadOnlyList<CompiledRuleSet> Applied
        {
            get
            {
                lock (_applied)
                {
                    return [.. _applied];
                }
            }
        }

        public void Apply(CompiledRuleSet rules)
        {
            if (Fail)
            {
                throw new NetScope.Native.BpfException(22, "bpf_map_update_elem", "hf_rules", "apply failed");
            }

            lock (_applied)
            {
                _applied.Add(rules);
            }
        }
    }

    private const string OneRule = "rules:\n  - {name: a, match: {ports: [80]}, action: alert}\n";
    private const string TwoRules = "rules:\n  - {name: a, match: {ports: [80]}, action: alert}\n  - {name: b, match: {ports: [81]}, action: alert}\n";

    private (RulesReloader Reloader, RecordingSink Sink, CollectorRegistry Registry) Start(string path)
    {
        var sink = new RecordingSink();
        var registry = Metrics.NewCustomRegistry();
        var options = new AgentOptions { ConfigPath = path, Config = ConfigLoader.LoadFile(path) };
        var reloader = new RulesReloader(options, [sink], registry, NullLogger<RulesReloader>.Instance);
        reloader.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return (reloader, sink, registry);
    }

    private static async Task<string> MetricsText(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), $"condition not met within {timeout}");
    }

    [Fact]
    public async Task FileChangeAppliesTheNewRulesWithinTwoSeconds()
    {
        string path = Path.Combine(_directory, "config.yaml");
        File.WriteAllText(path, OneRule);
        (RulesReloader reloader, RecordingSink sink, CollectorRegistry registry) = Start(path);
        using (reloader)
        {
            Assert.Single(sink.Applied);
            File.WriteAllText(path, TwoRules);
            await WaitUntil(() => sink.Applied.Count == 2, TimeSpan.FromSeconds(2));
            Assert.Equal(2, sink.Applied[1].Generation);
            Assert.Equal(["a", "b"], sink.Applied[1].Rules.Select(r => r.Name));
            string metrics = await MetricsText(registry);
            Assert.Contains("netscope_rules_reloads_total{result=\"success\"} 1", metrics);
            Assert.Contains("netscope_rules_generation 2", metrics);
        }
    }

    [Fact]
    public async Task ConfigMapSymlinkSwapIsNoticed()
    {
        // Kubelet layout: config.yaml -> ..data/config.yaml, ..data -> ..2026_xx (swapped atomically).
        Directory.CreateDirectory(Path.Combine(_directory, "..v1"));
        Directory.CreateDirectory(Path.Combine(_directory, "..v2"));
        File.WriteAllText(Path.Combine(_directory, "..v1", "config.yaml"), OneRule);
        File.WriteAllText(Path.Combine(_directory, "..v2", "config.yaml"), TwoRules);
        File.CreateSymbolicLink(Path.Combine(_directory, "..data"), "..v1");
        string path = Path.Combine(_directory, "config.yaml");
        File.CreateSymbolicLink(path, "..data/config.yaml");
        (RulesReloader reloader, RecordingSink sink, _) = Start(path);
        using (reloader)
        {
            File.CreateSymbolicLink(Path.Combine(_directory, "..data_tmp"), "..v2");
            // rename(2) over the old link, as the kubelet does (File.Move refuses links to directories).
            using (var mv = System.Diagnostics.Process.Start("mv", ["-Tf", Path.Combine(_directory, "..data_tmp"), Path.Combine(_directory, "..data")]))
            {
                mv.WaitForExit();
                Assert.Equal(0, mv.ExitCode);
            }

            await WaitUntil(() => sink.Applied.Count == 2, TimeSpan.FromSeconds(3));
            Assert.Equal(2, sink.Applied[1].Rules.Count);
        }
    }

    [Fact]
    public async Task InvalidFileKeepsTheLastGoodRules()
    {
        string path = Path.Combine(_directory, "config.yaml");
        File.WriteAllText(path, OneRule);
        (RulesReloader reloader, RecordingSink sink, CollectorRegistry registry) = Start(path);
        using (reloader)
        {
            File.WriteAllText(path, "rules:\n  - {name: a, match: {ports: [80]}, action: explode}\n");
            Assert.False(reloader.Reload("SIGHUP"));
            Assert.Single(sink.Applied);
            Assert.Equal(1, reloader.Current!.Generation);
            string metrics = await MetricsText(registry);
            Assert.Contains("netscope_rules_last_reload_success 0", metrics);
            Assert.Contains("netscope_rules_reloads_total{result=\"failure\"} 1", metrics);

            File.WriteAllText(path, TwoRules);
            Assert.True(reloader.Reload("SIGHUP"));
            Assert.Contains("netscope_rules_last_reload_success 1", await MetricsText(registry));
        }
    }

    [Fact]
    public void ApplyFailureKeepsTheLastGoodRules()
    {
        string path = Path.Combine(_directory, "config.yaml");
        File.WriteAllText(path, OneRule);
        (RulesReloader reloader, RecordingSink sink, _) = Start(path);
        using (reloader)
        {
            sink.Fail = true;
            File.WriteAllText(path, TwoRules);
            Assert.False(reloader.Reload("SIGHUP"));
            Assert.Equal(1, reloader.Current!.Generation);
        }
    }
}
