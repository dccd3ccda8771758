using NetScope.Native;

namespace NetScope.Agent.Probes;

/// <summary>The outcome for one rung and hook set: used, available but not chosen, or refused with the reason.</summary>
/// <param name="Rung">The rung.</param>
/// <param name="HookSet">The hook set it was tried with.</param>
/// <param name="Available">Whether it loaded and attached (or would).</param>
/// <param name="Chosen">Whether it is the one in use.</param>
/// <param name="Reason">Why it was refused, or what was checked.</param>
internal sealed record RungReport(HookRung Rung, HookSet HookSet, bool Available, bool Chosen, string Reason)
{
    /// <summary>Rung and hook set as reports print them, e.g. "tracepoint/syscalls".</summary>
    public string Name => Names.Of(Rung, HookSet);
}

/// <summary>No allowed rung attached; <see cref="Reports"/> says why for each (disabled, or the kernel's refusal).</summary>
internal sealed class NoUsableRungException : InvalidOperationException
{
    public NoUsableRungException(string probe, IReadOnlyList<RungReport> reports)
        : base($"Probe {probe}: no hook rung could be attached ({string.Join("; ", reports.Select(r => $"{r.Name}: {r.Reason}"))}).")
    {
        Reports = reports;
    }

    public IReadOnlyList<RungReport> Reports { get; }
}

/// <summary>A loaded and attached probe: owns the object and its links; disposing detaches everything.</summary>
internal sealed class AttachedProbe : IDisposable
{
    private readonly List<BpfLink> _links;

    public AttachedProbe(ProbeDefinition definition, RungPrograms rung, BpfObject bpfObject, List<BpfLink> links, IReadOnlyList<RungReport> reports)
    {
        Definition = definition;
        Rung = rung.Rung;
        HookSet = rung.HookSet;
        Shared = rung.Shared;
        Object = bpfObject;
        _links = links;
        Reports = reports;
    }

    public ProbeDefinition Definition { get; }

    public HookRung Rung { get; }

    public HookSet HookSet { get; }

    /// <summary>The variant of the shared programs attached with the rung.</summary>
    public SharedPrograms Shared { get; }

    public BpfObject Object { get; }

    public IReadOnlyList<RungReport> Reports { get; }

    public IReadOnlyList<BpfLink> Links => _links;

    /// <summary>Teardown in reverse: links first, then the object (programs and maps).</summary>
    public void Dispose()
    {
        for (int i = _links.Count - 1; i >= 0; i--)
        {
            _links[i].Dispose();
        }

        _links.Clear();
        Object.Dispose();
    }
}

/// <summary>
/// Chooses a hook rung by trying them best first: prerequisite check, then open → turn off the other
/// rungs' programs → configure → load → attach. A rung with several hook sets is tried once per hook set,
/// preferred first. The first that attaches is kept; every refusal is recorded with its reason (the libbpf
/// error, which names the operation and errno).
/// </summary>
internal sealed class RungSelector
{
    private readonly KernelFeatures _features;
    private readonly Func<string, byte[]> _readObject;

    public RungSelector(KernelFeatures features, Func<string, byte[]>? readObject = null)
    {
        _features = features;
        _readObject = readObject ?? EmbeddedBpfObjects.Read;
    }

    /// <summary>Attaches the best usable rung among <paramref name="allowed"/>; throws <see cref="NoUsableRungException"/> listing every refusal when none works.</summary>
    /// <param name="definition">The probe.</param>
    /// <param name="allowed">Rungs it may use.</param>
    /// <param name="forcedHookSet">When set, the rung that offers this hook set uses only it (e.g. the syscalls hook set of the tracepoint rung on a kernel that also has the sock tracepoints).</param>
    public AttachedProbe Attach(ProbeDefinition definition, IReadOnlySet<HookRung> allowed, HookSet? forcedHookSet = null)
    {
        HookRung? forcedRung = definition.Rungs.FirstOrDefault(r => r.HookSet == forcedHookSet)?.Rung;
        var reports = new List<RungReport>();
        byte[] image = _readObject(definition.ObjectName);
        AttachedProbe? chosen = null;
        foreach (RungPrograms rung in definition.Rungs)
        {
            if (chosen is not null)
            {
                // Not loaded (a load costs time and kernel memory), but the cheap checks still tell a rung the
                // kernel lacks (e.g. the sock tracepoints before 6.3) from one it would accept.
                RungAvailability prerequisites = CheckPrerequisites(rung);
                reports.Add(prerequisites.Available
                    ? new RungReport(rung.Rung, rung.HookSet, true, false, $"not tried: {Names.Of(chosen.Rung, chosen.HookSet)} is preferred")
                    : new RungReport(rung.Rung, rung.HookSet, false, false, prerequisites.Reason));
                continue;
            }

            if (!allowed.Contains(rung.Rung))
            {
                reports.Add(new RungReport(rung.Rung, rung.HookSet, false, false, "disabled by configuration"));
                continue;
            }

            if (rung.Rung == forcedRung && rung.HookSet != forcedHookSet)
            {
                reports.Add(new RungReport(rung.Rung, rung.HookSet, false, false, $"disabled by configuration: {Names.Of(rung.Rung)} hook set {Names.Of(forcedHookSet!.Value)} forced"));
                continue;
            }

            string? refusal = TryAttach(definition, rung, image, out BpfObject? bpfObject, out List<BpfLink>? links);
            if (refusal is not null)
            {
                reports.Add(new RungReport(rung.Rung, rung.HookSet, false, false, refusal));
                continue;
            }

            reports.Add(new RungReport(rung.Rung, rung.HookSet, true, true, "loaded and attached"));
            chosen = new AttachedProbe(definition, rung, bpfObject!, links!, reports);
        }

        if (chosen is null)
        {
            throw new NoUsableRungException(definition.Name, reports);
        }

        return chosen;
    }

    /// <summary>Tries every rung, detaching each again: the report behind `netscope probe`.</summary>
    public IReadOnlyList<RungReport> Evaluate(ProbeDefinition definition)
    {
        var reports = new List<RungReport>();
        byte[] image = _readObject(definition.ObjectName);
        bool chosen = false;
        foreach (RungPrograms rung in definition.Rungs)
        {
            string? refusal = TryAttach(definition, rung, image, out BpfObject? bpfObject, out List<BpfLink>? links);
            if (refusal is null)
            {
                new AttachedProbe(definition, rung, bpfObject!, links!, reports).Dispose();
                reports.Add(new RungReport(rung.Rung, rung.HookSet, true, !chosen, "loaded and attached"));
                chosen = true;
            }
            else
            {
                reports.Add(new RungReport(rung.Rung, rung.HookSet, false, false, refusal));
            }
        }

        return reports;
    }

    private RungAvailability CheckPrerequisites(RungPrograms rung) => _features.CheckPrerequisites(rung.Rung, rung.KernelFunctions, rung.Tracepoints);

    private string? TryAttach(ProbeDefinition definition, RungPrograms rung, byte[] image, out BpfObject? bpfObject, out List<BpfLink>? links)
    {
        bpfObject = null;
        links = null;
        RungAvailability prerequisites = CheckPrerequisites(rung);
        if (!prerequisites.Available)
        {
            return prerequisites.Reason;
        }

        BpfObject? candidate = null;
        var attached = new List<BpfLink>();
        using IDisposable quiet = LibbpfLogging.DowngradeWarnings();
        try
        {
            candidate = BpfObject.OpenMemory(image, definition.ObjectName);
            var wanted = new HashSet<string>(rung.AllPrograms.Select(p => p.ProgramName), StringComparer.Ordinal);
            foreach (BpfProgram program in candidate.Programs)
            {
                program.Autoload = wanted.Contains(program.Name);
            }

            // The other variants' maps would only take kernel memory (an LRU hash is preallocated).
            foreach (string map in definition.Rungs.SelectMany(r => r.Shared.Maps).Except(rung.Shared.Maps))
            {
                candidate.FindMap(map).AutoCreate = false;
            }

            definition.Configure?.Invoke(candidate);
            candidate.Load();
            definition.Prepare?.Invoke(candidate);
            foreach (HookProgram hook in rung.AllPrograms)
            {
                attached.Add(hook.Attach(candidate.FindProgram(hook.ProgramName)));
            }

            bpfObject = candidate;
            links = attached;
            return null;
        }
        catch (BpfException ex)
        {
            foreach (BpfLink link in attached)
            {
                link.Dispose();
            }

            candidate?.Dispose();
            string? detail = LibbpfLogging.FirstFailure;
            return detail is null ? ex.Message : $"{ex.Message} [libbpf: {detail}]";
        }
    }
}

/// <summary>Lower-case rung and hook set names used in metrics, the CLI, the config and reports.</summary>
internal static class Names
{
    public static string Of(HookRung rung) => rung.ToString().ToLowerInvariant();

    public static string Of(HookSet hookSet) => hookSet.ToString().ToLowerInvariant();

    /// <summary>A rung with the hook set it uses, e.g. "tracepoint/syscalls".</summary>
    public static string Of(HookRung rung, HookSet hookSet) => $"{Of(rung)}/{Of(hookSet)}";

    public static bool TryParse(string text, out HookRung rung) => TryParse(text, Of, out rung);

    public static bool TryParse(string text, out HookSet hookSet) => TryParse(text, Of, out hookSet);

    private static bool TryParse<T>(string text, Func<T, string> name, out T value)
        where T : struct, Enum
    {
        foreach (T candidate in Enum.GetValues<T>())
        {
            if (string.Equals(name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
