namespace NetScope.Native;

/// <summary>Kinds of hook a tracing probe can use, cheapest first.</summary>
public enum HookRung
{
    /// <summary>fentry/fexit through BPF trampolines (needs BTF and ftrace trampoline support).</summary>
    Fentry,
    /// <summary>kprobe/kretprobe (needs CONFIG_KPROBES).</summary>
    Kprobe,
    /// <summary>Classic tracepoints (needs tracefs and the tracepoints themselves).</summary>
    Tracepoint,
}

/// <summary>Whether a rung can be used, and why not when it cannot.</summary>
/// <param name="Rung">The rung.</param>
/// <param name="Available">Whether it can be used here.</param>
/// <param name="Reason">Why (always set: also says what was checked when available).</param>
public readonly record struct RungAvailability(HookRung Rung, bool Available, string Reason);
