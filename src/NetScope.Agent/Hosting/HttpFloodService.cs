using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Decoding;
using NetScope.Agent.Probes;
using NetScope.Agent.Rules;
using NetScope.Exporters.Abstractions;
using NetScope.Native;
using Prometheus;

namespace NetScope.Agent.Hosting;

/// <summary>
/// Owns one <see cref="HttpFloodProbe"/> per configured interface for the host's lifetime, writes every
/// rule set it is given to all of them, sweeps expired blocks, and exposes the kernel state through
/// prometheus-net's before-collect callback and <see cref="IFloodView"/>. An interface that cannot be
/// attached is logged and reported (netscope_xdp_attached 0); the rest of the agent keeps running.
/// </summary>
internal sealed class HttpFloodService : IHostedService, IFloodRuleSink, IFloodView, IDisposable
{
    private static readonly TimeSpan s_sweepPeriod = TimeSpan.FromSeconds(1);

    private readonly AgentOptions _options;
    private readonly Readiness _readiness;
    private readonly ILogger<HttpFloodService> _logger;
    private readonly HttpFloodMetrics _metrics;
    private readonly Lock _gate = new();
    private readonly List<HttpFloodProbe> _probes = [];
    private readonly List<FloodInterfaceStatus> _interfaces = [];
    private CompiledRuleSet? _requested;
    private Timer? _sweepTimer;
    private bool _started;

    public HttpFloodService(AgentOptions options, CollectorRegistry registry, Readiness readiness, ILogger<HttpFloodService> logger)
    {
        _options = options;
        _readiness = readiness;
        _logger = logger;
        _metrics = new HttpFloodMetrics(registry);
        readiness.Expect();
        registry.AddBeforeCollectCallback(UpdateMetrics);
    }

    /// <summary>The attached probes (a copy).</summary>
    public IReadOnlyList<HttpFloodProbe> Probes
    {
        get
        {
            lock (_gate)
            {
                return [.. _probes];
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var attached = new List<HttpFloodProbe>();
        var statuses = new List<FloodInterfaceStatus>();
        foreach (string name in ResolveInterfaces())
        {
            try
            {
                HttpFloodProbe probe = HttpFloodProbe.Attach(name, _logger, _options.Config.Xdp, _options.Config.TruncateSourceIps);
                attached.Add(probe);
                statuses.Add(new FloodInterfaceStatus(name, true));
            }
            catch (Exception ex)
            {
                // The TCP probes do not depend on XDP: report and carry on.
                statuses.Add(new FloodInterfaceStatus(name, false));
                _logger.LogError("XDP HTTP-flood filter not attached to {Interface}: {Error}", name, ex.Message);
            }
        }

        lock (_gate)
        {
            _probes.AddRange(attached);
            _interfaces.AddRange(statuses);
            foreach (FloodInterfaceStatus status in statuses)
            {
                _metrics.SetAttached(status.Name, status.Attached);
            }

            _started = true;
            // The rules reloader may have applied its first set before the probes existed.
            if (_requested is not null)
            {
                try
                {
                    ApplyLocked(_requested);
                }
                catch (Exception ex)
                {
                    _logger.LogError("Applying flood rules generation {Generation} at start failed: {Error}", _requested.Generation, ex.Message);
                }
            }
        }

        _sweepTimer = new Timer(_ => Sweep(), null, s_sweepPeriod, s_sweepPeriod);
        _readiness.Ready();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _sweepTimer?.Dispose();
        _sweepTimer = null;
        lock (_gate)
        {
            foreach (HttpFloodProbe probe in _probes)
            {
                probe.Dispose();
            }

            _probes.Clear();
        }
    }

    /// <summary>
    /// Writes <paramref name="rules"/> to every attached interface. Before start the set is kept and
    /// applied when the probes attach. Throws when any interface refused it.
    /// </summary>
    public void Apply(CompiledRuleSet rules)
    {
        lock (_gate)
        {
            _requested = rules;
            if (_started)
            {
                ApplyLocked(rules);
            }
        }
    }

    public FloodSnapshot GetSnapshot(int maxOffendersPerRule)
    {
        lock (_gate)
        {
            ulong now = MonotonicClock.NowNs;
            List<FloodInterfaceReading> readings = ReadLocked(now);
            var blocks = _probes.SelectMany(p => p.ReadBlocks(now, withWindowCounts: true)).ToList();
            CompiledRuleSet? rules = _metrics.Rules;
            var statuses = new List<FloodRuleStatus>();
            foreach (CompiledRule rule in rules?.Rules ?? [])
            {
                RuleTotals totals = _metrics.Totals(rule.Id, readings);
                string state = rule.Kernel.Mode == HfMode.Shadow ? "shadow-blocked" : "blocked";
                // A source blocked on several interfaces is one offender: its latest expiry and highest count.
                var offenders = blocks
                    .Where(b => b.RuleId == rule.Id)
                    .GroupBy(b => SourceAddressFormat.Format(b.Source, _options.Config.TruncateSourceIps))
                    .Select(g => new FloodOffender(g.Key, state, (g.Max(b => b.ExpiresNs) - now) / 1e9, g.Max(b => b.WindowCount)))
                    .OrderByDescending(o => o.WindowCount)
                    .ThenByDescending(o => o.BlockExpiresInSeconds)
                    .Take(maxOffendersPerRule)
                    .ToList();
                statuses.Add(new FloodRuleStatus(rule.Id, rule.Name, rule.Action, rule.Mode, totals.Matches, totals.Drops, totals.ShadowDrops,
                    totals.Alerts, readings.Sum(r => (long)r.LiveBlocksPerRule[rule.Id]), offenders));
            }

            return new FloodSnapshot(rules?.Generation ?? 0, [.. _interfaces], statuses);
        }
    }

    private IReadOnlyList<string> ResolveInterfaces()
    {
        if (_options.Config.Interfaces is { } configured)
        {
            if (configured.Count == 0)
            {
                _logger.LogInformation("XDP HTTP-flood filter off (interfaces: [])");
            }

            return configured;
        }

        string? defaultRoute = DefaultRouteInterface.Find();
        if (defaultRoute is null)
        {
            _logger.LogWarning("XDP HTTP-flood filter off: no interface holds a default route in {Path}; list interfaces in the config", DefaultRouteInterface.ProcNetRoute);
            return [];
        }

        _logger.LogInformation("XDP HTTP-flood filter: using {Interface}, the interface of the default route", defaultRoute);
        return [defaultRoute];
    }

    private void ApplyLocked(CompiledRuleSet rules)
    {
        var failures = new List<string>();
        int applied = 0;
        foreach (HttpFloodProbe probe in _probes)
        {
            try
            {
                probe.Apply(rules);
                _metrics.OnApplied(probe.InterfaceName, rules, probe.ReadCounters());
                applied++;
            }
            catch (Exception ex)
            {
                failures.Add($"{probe.InterfaceName}: {ex.Message}");
            }
        }

        if (applied > 0 || _probes.Count == 0)
        {
            _metrics.OnRuleSetChanged(rules);
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException(
                $"Flood rules generation {rules.Generation} not applied on {failures.Count} of {_probes.Count} interfaces: {string.Join("; ", failures)}");
        }

        _logger.LogInformation("Flood rules generation {Generation} applied: {Rules} rules on {Interfaces} interfaces",
            rules.Generation, rules.Rules.Count, _probes.Count);
    }

    private List<FloodInterfaceReading> ReadLocked(ulong now) =>
        _probes.Select(p => new FloodInterfaceReading(p.InterfaceName, p.ReadCounters(), p.CountLiveBlocks(now), p.EventsReceived, p.EventsMalformed)).ToList();

    private void UpdateMetrics()
    {
        lock (_gate)
        {
            try
            {
                _metrics.Update(ReadLocked(MonotonicClock.NowNs));
            }
            catch (BpfException ex)
            {
                _logger.LogError("Reading the XDP flood filter's maps failed: {Error}", ex.Message);
            }
        }
    }

    private void Sweep()
    {
        lock (_gate)
        {
            ulong now = MonotonicClock.NowNs;
            foreach (HttpFloodProbe probe in _probes)
            {
                try
                {
                    int deleted = probe.SweepExpiredBlocks(now);
                    if (deleted > 0)
                    {
                        _logger.LogDebug("Swept {Count} expired block entries on {Interface}", deleted, probe.InterfaceName);
                    }
                }
                catch (BpfException ex)
                {
                    _logger.LogError("Sweeping expired blocks on {Interface} failed: {Error}", probe.InterfaceName, ex.Message);
                }
            }
        }
    }
}
