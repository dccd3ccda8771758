using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Configuration;
using NetScope.Agent.Rules;
using Prometheus;

namespace NetScope.Agent.Hosting;

/// <summary>
/// Owns the rule set's lifecycle: compiles the start-up config, then reloads on file change (including
/// a Kubernetes ConfigMap's "..data" symlink swap, seen as events in the file's directory) and on SIGHUP.
/// A reload is validated and compiled completely before any sink sees it; an invalid file keeps the
/// last good rules, logs why and sets netscope_rules_last_reload_success to 0.
/// </summary>
internal sealed class RulesReloader : IHostedService, IDisposable
{
    private static readonly TimeSpan s_debounce = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(2);

    private readonly AgentOptions _options;
    private readonly IFloodRuleSink[] _sinks;
    private readonly ILogger<RulesReloader> _logger;
    private readonly Counter _reloads;
    private readonly Gauge _lastSuccess;
    private readonly Gauge _generation;
    private readonly Lock _gate = new();
    private FileSystemWatcher? _watcher;
    private Timer? _debounceTimer;
    private Timer? _pollTimer;
    private byte[]? _lastHash;

    public RulesReloader(AgentOptions options, IEnumerable<IFloodRuleSink> sinks, CollectorRegistry registry, ILogger<RulesReloader> logger)
    {
        _options = options;
        _sinks = sinks.ToArray();
        _logger = logger;
        MetricFactory metrics = Metrics.WithCustomRegistry(registry);
        _reloads = metrics.CreateCounter("netscope_rules_reloads_total", "Rule reloads after start, by result (success: applied; failure: invalid file or apply error, last good rules kept).",
            new CounterConfiguration { LabelNames = ["result"] });
        _reloads.WithLabels("success");
        _reloads.WithLabels("failure");
        _lastSuccess = metrics.CreateGauge("netscope_rules_last_reload_success", "1 if the last rules load or reload succeeded, 0 if it failed (the previous rules stay active).");
        _generation = metrics.CreateGauge("netscope_rules_generation", "Generation of the active rule set: 1 at start, +1 per successful reload.");
    }

    /// <summary>The active rule set.</summary>
    public CompiledRuleSet? Current { get; private set; }

    /// <summary>The active configuration (start-up or last good reload).</summary>
    public AgentConfig CurrentConfig { get; private set; } = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        CurrentConfig = _options.Config;
        CompiledRuleSet rules = RuleCompiler.Compile(_options.Config, previous: null);
        foreach (IFloodRuleSink sink in _sinks)
        {
            sink.Apply(rules);
        }

        Current = rules;
        _lastSuccess.Set(1);
        _generation.Set(rules.Generation);
        _logger.LogInformation("Rules generation {Generation}: {Count} rule(s) from {Source}", rules.Generation, rules.Rules.Count, _options.Config.Source);
        if (_options.ConfigPath is { } path)
        {
            _lastHash = HashOf(path);
            Watch(Path.GetFullPath(path));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounceTimer?.Dispose();
        _pollTimer?.Dispose();
        _watcher = null;
    }

    /// <summary>Reloads the config file now (SIGHUP); returns whether the new rules are active.</summary>
    public bool Reload(string trigger)
    {
        if (_options.ConfigPath is not { } path)
        {
            _logger.LogWarning("{Trigger}: running on the embedded default config; nothing to reload", trigger);
            return false;
        }

        lock (_gate)
        {
            _lastHash = HashOf(path);
            try
            {
                AgentConfig config = ConfigLoader.LoadFile(path);
                CompiledRuleSet rules = RuleCompiler.Compile(config, Current);
                foreach (IFloodRuleSink sink in _sinks)
                {
                    sink.Apply(rules);
                }

                WarnAboutRestartOnlySettings(config);
                Current = rules;
                CurrentConfig = config;
                _reloads.WithLabels("success").Inc();
                _lastSuccess.Set(1);
                _generation.Set(rules.Generation);
                _logger.LogInformation("{Trigger}: rules generation {Generation} active: {Count} rule(s) ({Names})",
                    trigger, rules.Generation, rules.Rules.Count, string.Join(", ", rules.Rules.Select(r => r.Name)));
                return true;
            }
            catch (Exception ex) when (ex is ConfigException or Native.BpfException or IOException)
            {
                _reloads.WithLabels("failure").Inc();
                _lastSuccess.Set(0);
                _logger.LogError("{Trigger}: reload of {Path} failed; keeping rules generation {Generation}:{NewLine}{Error}",
                    trigger, path, Current?.Generation, Environment.NewLine, ex.Message);
                return false;
            }
        }
    }

    private void WarnAboutRestartOnlySettings(AgentConfig config)
    {
        bool interfacesChanged = !(config.Interfaces ?? ["(default route)"]).SequenceEqual(CurrentConfig.Interfaces ?? ["(default route)"]);
        if (!config.Listen.Equals(CurrentConfig.Listen) || !config.Rungs.SetEquals(CurrentConfig.Rungs) || config.TracepointHooks != CurrentConfig.TracepointHooks || interfacesChanged)
        {
            _logger.LogWarning("listen, probes and interfaces changes take effect at the next restart; rules and allow are applied now");
        }
    }

    private void Watch(string path)
    {
        // Watch the directory, not the file: editors and the kubelet replace files (rename, symlink swap).
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        _debounceTimer = new Timer(_ => ReloadIfChanged(path, "file change"));
        FileSystemEventHandler changed = (_, _) => _debounceTimer.Change(s_debounce, Timeout.InfiniteTimeSpan);
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Deleted += changed;
        _watcher.Renamed += (_, _) => _debounceTimer.Change(s_debounce, Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;

        // inotify can miss changes (overflow, some network file systems): compare the content every few seconds too.
        _pollTimer = new Timer(_ => ReloadIfChanged(path, "file change"), null, s_pollInterval, s_pollInterval);
    }

    private void ReloadIfChanged(string path, string trigger)
    {
        byte[]? hash = HashOf(path);
        if (hash is null || (_lastHash is not null && hash.AsSpan().SequenceEqual(_lastHash)))
        {
            return;
        }

        Reload(trigger);
    }

    private static byte[]? HashOf(string path)
    {
        try
        {
            return SHA256.HashData(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Mid-swap the file may be briefly missing; the next event or poll sees the new one.
            return null;
        }
    }
}
