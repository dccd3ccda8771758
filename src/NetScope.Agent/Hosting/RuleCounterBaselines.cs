using NetScope.Agent.Probes;

namespace NetScope.Agent.Hosting;

/// <summary>Per-rule kernel counters of one rule, summed over interfaces and net of baselines.</summary>
/// <param name="Matches">HF_CNT_RULE_MATCHES + id.</param>
/// <param name="Drops">HF_CNT_RULE_DROPS + id (enforce).</param>
/// <param name="ShadowDrops">HF_CNT_RULE_SHADOW_DROPS + id.</param>
/// <param name="Alerts">HF_CNT_RULE_ALERTS + id.</param>
internal readonly record struct RuleTotals(ulong Matches, ulong Drops, ulong ShadowDrops, ulong Alerts);

/// <summary>
/// Rule ids are stable, so an unchanged rule keeps counting across reloads; when an id is reused for a
/// different rule (CompiledRuleSet.ResetIds) the kernel's per-rule counters keep the old rule's counts.
/// This remembers, per interface, the kernel values at the reset so the new rule starts at 0. Not thread-safe.
/// </summary>
internal sealed class RuleCounterBaselines
{
    private static readonly int[] s_ruleBases = [HfCounter.RuleMatches, HfCounter.RuleDrops, HfCounter.RuleShadowDrops, HfCounter.RuleAlerts];

    private readonly Dictionary<string, ulong[]> _baselines = new(StringComparer.Ordinal);

    /// <summary>Takes the current kernel values of <paramref name="resetIds"/> on one interface as their zero.</summary>
    public void Reset(string interfaceName, IEnumerable<int> resetIds, ulong[] counters)
    {
        if (!_baselines.TryGetValue(interfaceName, out ulong[]? baseline))
        {
            baseline = new ulong[HfCounter.Max];
            _baselines[interfaceName] = baseline;
        }

        foreach (int id in resetIds)
        {
            foreach (int counterBase in s_ruleBases)
            {
                baseline[counterBase + id] = counters[counterBase + id];
            }
        }
    }

    /// <summary>The rule's counters summed over <paramref name="readings"/> (interface → hf_counters), minus baselines.</summary>
    public RuleTotals Totals(int id, IEnumerable<KeyValuePair<string, ulong[]>> readings)
    {
        ulong matches = 0, drops = 0, shadow = 0, alerts = 0;
        foreach ((string interfaceName, ulong[] counters) in readings)
        {
            _baselines.TryGetValue(interfaceName, out ulong[]? baseline);
            matches += Net(counters, baseline, HfCounter.RuleMatches + id);
            drops += Net(counters, baseline, HfCounter.RuleDrops + id);
            shadow += Net(counters, baseline, HfCounter.RuleShadowDrops + id);
            alerts += Net(counters, baseline, HfCounter.RuleAlerts + id);
        }

        return new RuleTotals(matches, drops, shadow, alerts);
    }

    private static ulong Net(ulong[] counters, ulong[]? baseline, int index)
    {
        ulong zero = baseline?[index] ?? 0;
        return counters[index] > zero ? counters[index] - zero : 0;
    }
}
