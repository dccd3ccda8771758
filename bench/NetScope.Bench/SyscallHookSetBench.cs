using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NetScope.Bench;

/// <summary>
/// What the tracepoint rung's syscalls hook set (kernels before 6.3) costs next to its sock hook set. Its
/// programs fire on every read and write of every file, so the worst case is the cheapest such syscall:
/// `dd bs=1` from /dev/zero to /dev/null, one read and one write per byte. Also TCP ping-pong, where both
/// hook sets do the full work. Modes alternate within each round; every figure is a median over rounds.
/// </summary>
internal static class SyscallHookSetBench
{
    private const int Rounds = 5;
    private const int Bytes = 1_000_000;
    private const string NoProbe = "no probe";
    private const string Floor = "counting (bpftrace)";
    private static readonly HashSet<string> s_enterPrograms = ["tp_sys_enter_sock_io", "tp_sys_enter_recvfrom", "tp_sys_enter_recvmsg"];
    private static readonly HashSet<string> s_exitPrograms = ["tp_sys_exit_sock_send", "tp_sys_exit_sock_recv"];
    private static readonly string[] s_modes = [NoProbe, "sock", Floor, "syscalls"];

    public static string Run(string root)
    {
        string work = Path.Combine(root, "build", "bench");
        string pingpong = Path.Combine(work, "pingpong");
        string agent = Path.Combine(root, "build", "netscope");
        string floorScript = Path.Combine(root, "bench", "syscalls_floor.bt");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var pairNs = s_modes.ToDictionary(m => m, _ => new List<double>());
        var transactions = s_modes.ToDictionary(m => m, _ => new List<double>());
        for (int round = 0; round < Rounds; round++)
        {
            foreach (string mode in s_modes)
            {
                using Process? p = mode is NoProbe or Floor ? null : StartAgent(agent, work, mode, http);
                using BpftraceProcess? bt = mode == Floor ? BpftraceProcess.Start(floorScript) : null;
                pairNs[mode].Add(DdNsPerPair());
                transactions[mode].Add(ProbeOverheadBench.Rate(pingpong));
                bt?.StopAndCheck("@calls");
                if (p is not null)
                {
                    AgentProcess.Stop(p);
                }
            }
        }

        // Kernel-measured ns per program run (stats on only here: they add two clock reads per run).
        (double Enter, double Exit) nonSocket, socket;
        using (BpfRunStats.Enable())
        {
            using Process p = StartAgent(agent, work, "syscalls", http);
            nonSocket = NsPerRun(() => DdNsPerPair());
            socket = NsPerRun(() => ProbeOverheadBench.Rate(pingpong));
            AgentProcess.Stop(p);
        }

        double none = Repo.Median(pairNs[NoProbe]);
        double noneTps = Repo.Median(transactions[NoProbe]);
        string Runs(string mode, string format, Dictionary<string, List<double>> figures) =>
            $"{mode} {string.Join(", ", figures[mode].Select(v => v.ToString(format, CultureInfo.InvariantCulture)))}";
        var md = new StringBuilder();
        md.AppendLine("## Syscalls hook set (tracepoint rung before Linux 6.3)");
        md.AppendLine();
        md.AppendLine("`build/netscope run` with `interfaces: []`, `probes: {rungs: [tracepoint], tracepoint_hooks: sock|syscalls}`, against no");
        md.AppendLine("probe and against the floor of any probe on the same 16 syscall tracepoints (`bench/syscalls_floor.bt`: bpftrace");
        md.AppendLine(CultureInfo.InvariantCulture, $"counting them). Non-socket I/O, the worst case since these programs fire on every read and write: `dd bs=1 count={Bytes:N0}`");
        md.AppendLine("from /dev/zero to /dev/null, ns per read+write pair. TCP: `bench/pingpong.c` as in `BENCH=probe`.");
        md.AppendLine(CultureInfo.InvariantCulture, $"{Rounds} rounds, modes in turn; medians, and each against no probe. Reproduce: `make bench BENCH=syscalls`.");
        md.AppendLine();
        md.AppendLine("| mode | ns per read+write pair (dd) | vs no probe | TCP ping-pong transactions/s | share of no probe |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        foreach (string mode in s_modes)
        {
            double pair = Repo.Median(pairNs[mode]);
            double tps = Repo.Median(transactions[mode]);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {mode} | {pair:0} | {pair - none:+0;-0;0} ns ({pair / none:0.00}x) | {tps:N0} | {tps / noneTps * 100:0.0} % |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Runs, ns per pair: {string.Join("; ", s_modes.Select(m => Runs(m, "0", pairNs)))}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Runs, transactions/s: {string.Join("; ", s_modes.Select(m => Runs(m, "N0", transactions)))}.");
        md.AppendLine();
        md.AppendLine("Profile (one extra run with BPF_ENABLE_STATS, which adds two clock reads per run): kernel-measured ns per run");
        md.AppendLine("of the syscalls hook set's programs:");
        md.AppendLine();
        md.AppendLine("| traffic | enter programs | exit programs |");
        md.AppendLine("|---|---:|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| non-socket (dd): the fd is resolved and refused at enter, the exit finds nothing | {nonSocket.Enter:0} | {nonSocket.Exit:0} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| TCP (ping-pong): resolved and saved at enter, the shared handler at exit | {socket.Enter:0} | {socket.Exit:0} |");
        return md.ToString();
    }

    private static (double Enter, double Exit) NsPerRun(Action window)
    {
        var enterBefore = BpfRunStats.Read(s_enterPrograms);
        var exitBefore = BpfRunStats.Read(s_exitPrograms);
        window();
        var enterAfter = BpfRunStats.Read(s_enterPrograms);
        var exitAfter = BpfRunStats.Read(s_exitPrograms);
        static double Mean((long RunTimeNs, long RunCount) before, (long RunTimeNs, long RunCount) after) =>
            after.RunCount > before.RunCount ? (after.RunTimeNs - before.RunTimeNs) / (double)(after.RunCount - before.RunCount) : double.NaN;
        return (Mean(enterBefore, enterAfter), Mean(exitBefore, exitAfter));
    }

    private static Process StartAgent(string agent, string work, string hookSet, HttpClient http)
    {
        string config = Path.Combine(work, $"syscalls-{hookSet}.yaml");
        File.WriteAllText(config, $"interfaces: []\nprobes:\n  rungs: [tracepoint]\n  tracepoint_hooks: {hookSet}\n");
        Process p = AgentProcess.Start(agent, config, work, out int port);
        AgentProcess.WaitReady(http, p, port);
        Thread.Sleep(2000); // start-up work (JIT, first heatmap column) is not the probes' steady cost
        return p;
    }

    private static double DdNsPerPair()
    {
        var clock = Stopwatch.StartNew();
        Repo.ToolOutput("dd", "if=/dev/zero", "of=/dev/null", "bs=1", $"count={Bytes}", "status=none");
        return clock.Elapsed.TotalNanoseconds / Bytes;
    }
}
