namespace NetScope.Exporters.Abstractions;

/// <summary>Whether the XDP filter is attached to one interface.</summary>
/// <param name="Name">Interface name.</param>
/// <param name="Attached">False when attaching failed (the reason is in the agent's log).</param>
public sealed record FloodInterfaceStatus(string Name, bool Attached);

/// <summary>One source with a live block entry.</summary>
/// <param name="Source">The address (IPv4 unmapped).</param>
/// <param name="State">"blocked" (enforce rule) or "shadow-blocked" (shadow rule: counted, not dropped).</param>
/// <param name="BlockExpiresInSeconds">Seconds until the block ends.</param>
/// <param name="WindowCount">The source's matching packets in its current (or last) window of the rule.</param>
public sealed record FloodOffender(string Source, string State, double BlockExpiresInSeconds, ulong WindowCount);

/// <summary>One active rule with its counters, summed over interfaces.</summary>
/// <param name="Id">Stable rule id 0..31.</param>
/// <param name="Name">Rule name from the config.</param>
/// <param name="Action">"alert" or "drop".</param>
/// <param name="Mode">"enforce" or "shadow".</param>
/// <param name="Matches">Packets matching the rule's filters.</param>
/// <param name="Drops">Packets dropped (enforce).</param>
/// <param name="ShadowDrops">Packets that would have been dropped (shadow).</param>
/// <param name="Alerts">Threshold crossings.</param>
/// <param name="BlockedSources">Live block entries written by the rule.</param>
/// <param name="TopOffenders">Blocked sources, highest window count first, bounded.</param>
public sealed record FloodRuleStatus(
    int Id,
    string Name,
    string Action,
    string Mode,
    ulong Matches,
    ulong Drops,
    ulong ShadowDrops,
    ulong Alerts,
    long BlockedSources,
    IReadOnlyList<FloodOffender> TopOffenders);

/// <summary>The XDP flood filter's state at one moment (GET /api/v1/flood).</summary>
/// <param name="Generation">Rule-set generation in force (0: none applied yet).</param>
/// <param name="Interfaces">Every interface the agent tried to attach to.</param>
/// <param name="Rules">Active rules, ordered by id.</param>
public sealed record FloodSnapshot(long Generation, IReadOnlyList<FloodInterfaceStatus> Interfaces, IReadOnlyList<FloodRuleStatus> Rules);

/// <summary>Reads the flood filter's state on request. Implemented by the agent.</summary>
public interface IFloodView
{
    /// <summary>Reads the current state; at most <paramref name="maxOffendersPerRule"/> offenders per rule.</summary>
    FloodSnapshot GetSnapshot(int maxOffendersPerRule);
}
