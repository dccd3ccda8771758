using NetScope.Native;

namespace NetScope.Agent.Probes;

/// <summary>One entry program: which hook it serves and how to attach it once loaded.</summary>
/// <param name="ProgramName">C function name in the object.</param>
/// <param name="Hook">The logical hook (e.g. tcp_sendmsg) reported in metrics.</param>
/// <param name="Attach">Attaches the loaded program.</param>
internal sealed record HookProgram(string ProgramName, string Hook, Func<BpfProgram, BpfLink> Attach);

/// <summary>The programs one rung uses through one hook set, plus what its prerequisites are checked against.</summary>
/// <param name="Rung">The rung.</param>
/// <param name="HookSet">The kernel layer its programs hook (a rung may be listed once per hook set, preferred first).</param>
/// <param name="Programs">Its entry programs; one program may be listed once per hook point it attaches to.</param>
/// <param name="KernelFunctions">Kernel functions it hooks (fentry/kprobe).</param>
/// <param name="Tracepoints">Tracepoints it needs, as category/name.</param>
internal sealed record RungPrograms(HookRung Rung, HookSet HookSet, IReadOnlyList<HookProgram> Programs, IReadOnlyList<string> KernelFunctions, IReadOnlyList<string> Tracepoints);

/// <summary>Everything rung selection needs to know about one BPF object.</summary>
/// <param name="Name">Probe name (metrics label), e.g. tcp_latency.</param>
/// <param name="ObjectName">Embedded object name.</param>
/// <param name="Rungs">Rungs and their hook sets, best first.</param>
/// <param name="Common">Programs attached whatever the rung (e.g. socket state tracking).</param>
/// <param name="Configure">Sets const volatile config and map sizes between open and load.</param>
/// <param name="Prepare">Fills maps after load and before attach (nothing runs yet).</param>
internal sealed record ProbeDefinition(
    string Name,
    string ObjectName,
    IReadOnlyList<RungPrograms> Rungs,
    IReadOnlyList<HookProgram> Common,
    Action<BpfObject>? Configure = null,
    Action<BpfObject>? Prepare = null);
