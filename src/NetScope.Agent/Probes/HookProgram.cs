using NetScope.Native;

namespace NetScope.Agent.Probes;

/// <summary>One entry program: which hook it serves and how to attach it once loaded.</summary>
/// <param name="ProgramName">C function name in the object.</param>
/// <param name="Hook">The logical hook (e.g. tcp_sendmsg) reported in metrics.</param>
/// <param name="Attach">Attaches the loaded program.</param>
internal sealed record HookProgram(string ProgramName, string Hook, Func<BpfProgram, BpfLink> Attach);

/// <summary>
/// Programs every rung needs (e.g. socket state tracking), in one of the variants an object offers: a rung
/// attaches the variant whose state its own programs share (e.g. the same socket storage).
/// </summary>
/// <param name="Name">What distinguishes the variant (reports, docs), e.g. sk_storage.</param>
/// <param name="Programs">The programs, attached before the rung's own.</param>
/// <param name="Maps">Maps only this variant's programs use: not created when a rung uses another variant.</param>
internal sealed record SharedPrograms(string Name, IReadOnlyList<HookProgram> Programs, IReadOnlyList<string> Maps);

/// <summary>The programs one rung uses through one hook set, plus what its prerequisites are checked against.</summary>
/// <param name="Rung">The rung.</param>
/// <param name="HookSet">The kernel layer its programs hook (a rung may be listed once per hook set, preferred first).</param>
/// <param name="Programs">Its entry programs; one program may be listed once per hook point it attaches to.</param>
/// <param name="KernelFunctions">Kernel functions it hooks (fentry/kprobe).</param>
/// <param name="Tracepoints">Tracepoints it needs, as category/name.</param>
/// <param name="Shared">The variant of the shared programs attached with it.</param>
internal sealed record RungPrograms(
    HookRung Rung,
    HookSet HookSet,
    IReadOnlyList<HookProgram> Programs,
    IReadOnlyList<string> KernelFunctions,
    IReadOnlyList<string> Tracepoints,
    SharedPrograms Shared)
{
    /// <summary>Everything loaded and attached with this rung: the shared programs, then its own.</summary>
    public IEnumerable<HookProgram> AllPrograms => Shared.Programs.Concat(Programs);
}

/// <summary>Everything rung selection needs to know about one BPF object.</summary>
/// <param name="Name">Probe name (metrics label), e.g. tcp_latency.</param>
/// <param name="ObjectName">Embedded object name.</param>
/// <param name="Rungs">Rungs and their hook sets, best first.</param>
/// <param name="Configure">Sets const volatile config and map sizes between open and load.</param>
/// <param name="Prepare">Fills maps after load and before attach (nothing runs yet).</param>
internal sealed record ProbeDefinition(
    string Name,
    string ObjectName,
    IReadOnlyList<RungPrograms> Rungs,
    Action<BpfObject>? Configure = null,
    Action<BpfObject>? Prepare = null);
