using System.Globalization;
using System.Text;
using NetScope.Agent.Configuration;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Bench;

/// <summary>Instructions the verifier processed per program (bpf_prog_info.verified_insns).</summary>
internal static class VerifierBench
{
    public static string Run(string root)
    {
        var md = new StringBuilder();
        md.AppendLine("## Verifier cost");
        md.AppendLine();
        md.AppendLine("Instructions processed by the verifier at load (`verified_insns` of BPF_OBJ_GET_INFO_BY_FD; the");
        md.AppendLine("kernel limit is 1,000,000). Deterministic for a given kernel and object, so one load each.");
        md.AppendLine("tcp_latency: only the tracepoint rung loads here (fentry/kprobe are refused on this kernel, see");
        md.AppendLine("MACHINE notes), both hook sets with their shared programs: sock (`tp_btf/...`, socket state in sk_storage) and");
        md.AppendLine("syscalls (section `tp`, each program attached to several syscalls:sys_enter_/sys_exit_ tracepoints, with the `tp/...`");
        md.AppendLine("shared programs and the LRU hash), configured as the agent's defaults configure it (`.rodata.cfg`: slow-request events from");
        md.AppendLine("200 ms, connection-close events; with both off the verifier drops their code). Reproduce: `make bench BENCH=verifier`.");
        md.AppendLine();
        md.AppendLine("| object | program | section | verified insns | xlated insns |");
        md.AppendLine("|---|---|---|---:|---:|");

        string bpfDir = Path.Combine(root, "build", "bpf");
        Append(
            md,
            Path.Combine(bpfDir, "tcp_latency.bpf.o"),
            section => section == "tp" || section.StartsWith("tp/", StringComparison.Ordinal) || section.StartsWith("tp_btf/", StringComparison.Ordinal),
            obj => obj.FindMap(TcpLatencyConfig.Section).SetInitialValue(TcpLatencyProbe.LoadConfig(new EventsSettings())));
        Append(md, Path.Combine(bpfDir, "http_flood.bpf.o"), _ => true);
        Append(md, "/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_dny_all.o", _ => true);
        Append(md, "/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_dny_ip.o", _ => true);
        return md.ToString();
    }

    private static void Append(StringBuilder md, string path, Func<string, bool> load, Action<BpfObject>? configure = null)
    {
        using BpfObject obj = BpfObject.OpenFile(path);
        foreach (BpfProgram prog in obj.Programs)
        {
            prog.Autoload = load(prog.SectionName);
        }

        configure?.Invoke(obj);
        obj.Load();
        foreach (BpfProgram prog in obj.Programs.Where(p => p.Autoload))
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {Path.GetFileName(path)} | {prog.Name} | `{prog.SectionName}` | {ProgInfo.VerifiedInsns(prog.Fd):N0} | {XlatedInsns(prog):N0} |");
        }
    }

    // bpftool's "bytes_xlated" / 8: the program size after the verifier's rewrites.
    private static uint XlatedInsns(BpfProgram prog) => ProgInfo.XlatedBytes(prog.Fd) / 8;
}
