using NetScope.Agent.Probes;

namespace NetScope.Agent.Rules;

/// <summary>One rule as the kernel sees it, with the names metrics and logs use.</summary>
/// <param name="Id">Stable rule id 0..31: kept across reloads while the rule keeps its name and meaning.</param>
/// <param name="Name">The rule's name from the config.</param>
/// <param name="Kernel">The hf_rule value (Active = 1).</param>
internal sealed record CompiledRule(int Id, string Name, HfRule Kernel)
{
    /// <summary>The rule's source networks as configured (empty = any); kept to detect changed rules on reload.</summary>
    public IReadOnlyList<System.Net.IPNetwork> Sources { get; init; } = [];

    /// <summary>"alert" or "drop" (metric label).</summary>
    public string Action => Kernel.Action == HfAction.Drop ? "drop" : "alert";

    /// <summary>"enforce" or "shadow" (metric label).</summary>
    public string Mode => Kernel.Mode == HfMode.Shadow ? "shadow" : "enforce";
}

/// <summary>
/// Everything the XDP maps need for one generation of rules, computed and validated before any map
/// is touched (see docs/xdp-design.md, "Filling rules").
/// </summary>
/// <param name="Generation">Increases by one per successful load (1 for the first).</param>
/// <param name="Rules">Active rules, ordered by id.</param>
/// <param name="Sources">hf_rule_src&lt;slot&gt; contents: prefix → mask of the rule ids whose sources contain it (already folded).</param>
/// <param name="Allow">hf_allow contents: never-dropped prefixes (config allowlist + loopback + the agent's listen address).</param>
/// <param name="ResetIds">Ids that are new or now mean a different rule: their hf_src_state entries and counter baselines must be reset.</param>
internal sealed record CompiledRuleSet(
    long Generation,
    IReadOnlyList<CompiledRule> Rules,
    IReadOnlyList<KeyValuePair<HfLpmKey, ulong>> Sources,
    IReadOnlyList<HfLpmKey> Allow,
    IReadOnlySet<int> ResetIds)
{
    /// <summary>The rule with <paramref name="id"/>, or null.</summary>
    public CompiledRule? ById(int id) => Rules.FirstOrDefault(r => r.Id == id);
}

/// <summary>Receives each validated rule set (first at start, then on every good reload). Implemented by the XDP service.</summary>
internal interface IFloodRuleSink
{
    /// <summary>
    /// Writes the rule set to every attached interface (inactive slot, then the slot flip). Throws on
    /// failure; the caller then keeps the previous generation and reports the reload as failed.
    /// </summary>
    void Apply(CompiledRuleSet rules);
}
