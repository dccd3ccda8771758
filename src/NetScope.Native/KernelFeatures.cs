namespace NetScope.Native;

/// <summary>
/// Cheap, file-based prerequisites of each hook rung. They explain refusals in words an operator can
/// act on; the final answer is always a real load and attach (see the probes' rung selection).
/// </summary>
public sealed class KernelFeatures
{
    private readonly Func<string, bool> _exists;

    /// <summary>Checks the real file system.</summary>
    public KernelFeatures()
        : this(path => File.Exists(path) || Directory.Exists(path))
    {
    }

    /// <summary>Checks through <paramref name="exists"/> (tests fake the file system).</summary>
    public KernelFeatures(Func<string, bool> exists) => _exists = exists;

    /// <summary>Kernel BTF, needed for CO-RE relocations and fentry.</summary>
    public const string VmlinuxBtfPath = "/sys/kernel/btf/vmlinux";

    /// <summary>Whether the kernel exposes its BTF.</summary>
    public bool HasKernelBtf => _exists(VmlinuxBtfPath);

    /// <summary>Prerequisites of a rung for hooks on <paramref name="functions"/> or <paramref name="tracepoints"/>.</summary>
    public RungAvailability CheckPrerequisites(HookRung rung, IReadOnlyList<string> functions, IReadOnlyList<string> tracepoints)
    {
        string tracing = KernelFileSystems.TraceFsPath;
        switch (rung)
        {
            case HookRung.Fentry:
                if (!HasKernelBtf)
                {
                    return new(rung, false, $"no kernel BTF at {VmlinuxBtfPath} (CONFIG_DEBUG_INFO_BTF=n)");
                }

                // BPF trampolines ride on ftrace; without it fentry programs fail to load.
                if (_exists(tracing + "/events") && !_exists(tracing + "/available_filter_functions"))
                {
                    return new(rung, false, "kernel built without function tracing (no available_filter_functions in tracefs), so no BPF trampolines");
                }

                return new(rung, true, "kernel BTF present");
            case HookRung.Kprobe:
                if (_exists(tracing + "/events") && !_exists(tracing + "/kprobe_events"))
                {
                    return new(rung, false, "kernel built without CONFIG_KPROBES (no kprobe_events in tracefs)");
                }

                return new(rung, true, $"kprobes present for {string.Join(", ", functions)}");
            case HookRung.Tracepoint:
                foreach (string tp in tracepoints)
                {
                    if (_exists(tracing + "/events") && !_exists($"{tracing}/events/{tp}"))
                    {
                        return new(rung, false, $"tracepoint {tp} does not exist on this kernel");
                    }
                }

                return new(rung, true, $"tracepoints present: {string.Join(", ", tracepoints)}");
            default:
                throw new ArgumentOutOfRangeException(nameof(rung));
        }
    }
}
