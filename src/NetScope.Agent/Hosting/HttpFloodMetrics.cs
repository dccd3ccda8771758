using NetScope.Agent.Probes;
using NetScope.Agent.Rules;
using Prometheus;

namespace NetScope.Agent.Hosting;

/// <summary>One interface's kernel state read for a scrape.</summary>
/// <param name="Interface">Interface name.</param>
/// <param name="Counters">hf_counters summed over CPUs.</param>
/// <param name="LiveBlocksPerRule">Live hf_blocks entries per rule id.</param>
/// <param name="EventsReceived">hf_events records received by user space.</param>
/// <param name="EventsMalformed">hf_events records that did not decode.</param>
internal sealed record FloodInterfaceReading(string Interface, ulong[] Counters, int[] LiveBlocksPerRule, long EventsReceived, long EventsMalformed = 0);

/// <summary>
/// The XDP flood filter's Prometheus metrics (docs/flood-metrics.md). Counters follow the kernel's with
/// IncTo at scrape time; per-rule series sum over interfaces, net of <see cref="RuleCounterBaselines"/>.
/// Not thread-safe: the owning service serialises calls.
/// </summary>
internal sealed class HttpFloodMetrics
{
    private const string Ring = "hf_events";

    private readonly Counter _requests;
    private readonly Counter _ruleMatches;
    private readonly Counter _ruleDrops;
    private readonly Counter _ruleShadowDrops;
    private readonly Counter _ruleAlerts;
    private readonly Gauge _ruleBlockedSources;
    private readonly Counter _parseErrors;
    private readonly Counter _packets;
    private readonly Counter _allowlisted;
    private readonly Events.EventMetrics _events;
    private readonly Gauge _attached;
    private readonly RuleCounterBaselines _baselines = new();
    private CompiledRuleSet? _rules;

    public HttpFloodMetrics(CollectorRegistry registry)
    {
        MetricFactory metrics = Metrics.WithCustomRegistry(registry);
        _requests = metrics.CreateCounter("netscope_http_requests_total",
            "TCP segments starting an HTTP/1.x request line seen by the XDP filter, per method (other: payload that is not a request line).",
            new CounterConfiguration { LabelNames = ["interface", "method"] });
        _ruleMatches = metrics.CreateCounter("netscope_rule_matches_total", "Packets matching a flood rule's filters, summed over interfaces.",
            new CounterConfiguration { LabelNames = ["rule", "action", "mode"] });
        _ruleDrops = metrics.CreateCounter("netscope_rule_dropped_packets_total", "Packets dropped by an enforce flood rule (including its block entries).",
            new CounterConfiguration { LabelNames = ["rule"] });
        _ruleShadowDrops = metrics.CreateCounter("netscope_rule_shadow_drops_total", "Packets a shadow flood rule would have dropped (passed).",
            new CounterConfiguration { LabelNames = ["rule"] });
        _ruleAlerts = metrics.CreateCounter("netscope_rule_alerts_total", "Threshold crossings of a flood rule (once per source per window).",
            new CounterConfiguration { LabelNames = ["rule"] });
        _ruleBlockedSources = metrics.CreateGauge("netscope_rule_blocked_sources", "Live block entries written by a flood rule, summed over interfaces.",
            new GaugeConfiguration { LabelNames = ["rule"] });
        _parseErrors = metrics.CreateCounter("netscope_xdp_parse_errors_total",
            "Packets the XDP filter passed uninspected, by reason (not_ip, not_tcp and fragment are normal traffic, not errors).",
            new CounterConfiguration { LabelNames = ["interface", "reason"] });
        _packets = metrics.CreateCounter("netscope_xdp_packets_total", "Packets seen by the XDP filter, by verdict.",
            new CounterConfiguration { LabelNames = ["interface", "verdict"] });
        _allowlisted = metrics.CreateCounter("netscope_xdp_allowlisted_packets_total", "TCP packets passed uninspected because the source is allowlisted.",
            new CounterConfiguration { LabelNames = ["interface"] });
        _events = new Events.EventMetrics(registry);
        _attached = metrics.CreateGauge("netscope_xdp_attached", "1 when the XDP flood filter is attached to the interface, 0 when attaching failed.",
            new GaugeConfiguration { LabelNames = ["interface"] });
    }

    /// <summary>The rule set the per-rule series describe, or null before the first.</summary>
    public CompiledRuleSet? Rules => _rules;

    /// <summary>Records whether an interface's attach worked.</summary>
    public void SetAttached(string interfaceName, bool attached) => _attached.WithLabels(interfaceName).Set(attached ? 1 : 0);

    /// <summary>
    /// Called after <paramref name="rules"/> was flipped on one interface, with its counters read right after
    /// the flip: reused ids start from those values.
    /// </summary>
    public void OnApplied(string interfaceName, CompiledRuleSet rules, ulong[] countersAfterFlip) =>
        _baselines.Reset(interfaceName, rules.ResetIds, countersAfterFlip);

    /// <summary>
    /// Switches the per-rule series to <paramref name="rules"/>: series of removed or reset rules are removed
    /// (a reset rule's series restarts at 0; Prometheus treats that as a counter reset).
    /// </summary>
    public void OnRuleSetChanged(CompiledRuleSet rules)
    {
        if (_rules is not null)
        {
            foreach (CompiledRule old in _rules.Rules)
            {
                CompiledRule? now = rules.ById(old.Id);
                bool same = now is not null && now.Name == old.Name && now.Action == old.Action && now.Mode == old.Mode;
                if (!same || rules.ResetIds.Contains(old.Id))
                {
                    RemoveRuleSeries(old);
                }
            }
        }

        _rules = rules;
    }

    /// <summary>The per-rule totals over <paramref name="readings"/>.</summary>
    public RuleTotals Totals(int ruleId, IReadOnlyList<FloodInterfaceReading> readings) =>
        _baselines.Totals(ruleId, readings.Select(r => KeyValuePair.Create(r.Interface, r.Counters)));

    /// <summary>Brings every series up to the kernel's values (before-collect callback).</summary>
    public void Update(IReadOnlyList<FloodInterfaceReading> readings)
    {
        ulong lost = 0;
        long received = 0, malformed = 0;
        foreach (FloodInterfaceReading reading in readings)
        {
            ulong[] c = reading.Counters;
            for (int m = 0; m < HfCounter.Methods.Length; m++)
            {
                _requests.WithLabels(reading.Interface, HfCounter.Methods[m]).IncTo(c[HfCounter.MethodBase + m]);
            }

            for (int r = 0; r < HfCounter.ParseReasons.Length; r++)
            {
                _parseErrors.WithLabels(reading.Interface, HfCounter.ParseReasons[r]).IncTo(c[HfCounter.ParseBase + r]);
            }

            _packets.WithLabels(reading.Interface, "pass").IncTo(c[HfCounter.Passed]);
            _packets.WithLabels(reading.Interface, "drop").IncTo(c[HfCounter.Dropped]);
            _allowlisted.WithLabels(reading.Interface).IncTo(c[HfCounter.Allowlisted]);
            lost += c[HfCounter.EventsLost];
            received += reading.EventsReceived;
            malformed += reading.EventsMalformed;
        }

        // hf_events is never sampled: its events are bounded by the rules (one per source per window).
        _events.Report(Ring, received, lost, malformed, sampleRatio: 1);

        if (_rules is null)
        {
            return;
        }

        foreach (CompiledRule rule in _rules.Rules)
        {
            RuleTotals totals = Totals(rule.Id, readings);
            _ruleMatches.WithLabels(rule.Name, rule.Action, rule.Mode).IncTo(totals.Matches);
            _ruleDrops.WithLabels(rule.Name).IncTo(totals.Drops);
            _ruleShadowDrops.WithLabels(rule.Name).IncTo(totals.ShadowDrops);
            _ruleAlerts.WithLabels(rule.Name).IncTo(totals.Alerts);
            _ruleBlockedSources.WithLabels(rule.Name).Set(readings.Sum(r => r.LiveBlocksPerRule[rule.Id]));
        }
    }

    private void RemoveRuleSeries(CompiledRule rule)
    {
        _ruleMatches.RemoveLabelled(rule.Name, rule.Action, rule.Mode);
        _ruleDrops.RemoveLabelled(rule.Name);
        _ruleShadowDrops.RemoveLabelled(rule.Name);
        _ruleAlerts.RemoveLabelled(rule.Name);
        _ruleBlockedSources.RemoveLabelled(rule.Name);
    }
}
