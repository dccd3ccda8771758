using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.SelfTest;

/// <summary>
/// One way the TCP probe may be configured, as `run --rungs … --tracepoint-hooks …` would configure it:
/// the rungs it may use and, optionally, the tracepoint rung's hook set forced.
/// </summary>
/// <param name="Rungs">The allowed rungs.</param>
/// <param name="TracepointHooks">The forced tracepoint hook set, or null to let the kernel decide.</param>
internal sealed record RungConfiguration(IReadOnlySet<HookRung> Rungs, HookSet? TracepointHooks = null)
{
    /// <summary>
    /// The allowed rungs as the CLI writes them, best first, with a forced hook set after its rung:
    /// "kprobe,tracepoint", "tracepoint/syscalls". The summary's configuration name (tests/kernels/matrix.json keys).
    /// </summary>
    public string Name => string.Join(',', Enum.GetValues<HookRung>().Where(Rungs.Contains).Select(rung =>
        rung == HookRung.Tracepoint && TracepointHooks is { } forced ? Names.Of(rung, forced) : Names.Of(rung)));

    /// <summary>
    /// The ladder `netscope selftest` runs: all rungs (what `run` uses without configuration), then without the
    /// best rung, and so on down to the last alone; then, for a rung with several hook sets, that rung alone
    /// with each of its less preferred hook sets forced: fentry,kprobe,tracepoint / kprobe,tracepoint /
    /// tracepoint / tracepoint/syscalls.
    /// </summary>
    public static IReadOnlyList<RungConfiguration> Ladder(ProbeDefinition definition)
    {
        HookRung[] best = Enum.GetValues<HookRung>();
        IEnumerable<RungConfiguration> rungs = Enumerable.Range(0, best.Length).Select(skip => new RungConfiguration(best.Skip(skip).ToHashSet()));
        IEnumerable<RungConfiguration> hookSets = definition.Rungs
            .GroupBy(r => r.Rung)
            .SelectMany(group => group.Skip(1).Select(r => new RungConfiguration(new HashSet<HookRung> { group.Key }, r.HookSet)));
        return [.. rungs, .. hookSets];
    }
}
