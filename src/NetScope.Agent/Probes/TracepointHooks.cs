using NetScope.Native;

namespace NetScope.Agent.Probes;

/// <summary>
/// The setting that picks the tracepoint rung's hook set (--tracepoint-hooks, probes.tracepoint_hooks):
/// auto (null: the sock tracepoints where the kernel has them, else the syscalls), or one forced.
/// </summary>
internal static class TracepointHooks
{
    public const string Auto = "auto";

    /// <summary>The accepted values, for messages and help: "auto, sock, syscalls".</summary>
    public static string Choices { get; } = string.Join(", ", Values().Prepend(Auto));

    /// <summary>Parses a value; false when it is none of <see cref="Choices"/>.</summary>
    public static bool TryParse(string text, out HookSet? hookSet)
    {
        hookSet = null;
        if (string.Equals(text, Auto, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (Names.TryParse(text, out HookSet parsed) && TcpLatencyProbe.Definition.Rungs.Any(r => r.Rung == HookRung.Tracepoint && r.HookSet == parsed))
        {
            hookSet = parsed;
            return true;
        }

        return false;
    }

    /// <summary>How a setting prints: "auto" or the hook set's name.</summary>
    public static string Format(HookSet? hookSet) => hookSet is { } set ? Names.Of(set) : Auto;

    private static IEnumerable<string> Values() =>
        TcpLatencyProbe.Definition.Rungs.Where(r => r.Rung == HookRung.Tracepoint).Select(r => Names.Of(r.HookSet));
}
