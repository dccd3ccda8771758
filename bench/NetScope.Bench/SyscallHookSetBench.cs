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
    // The kernel keeps 15 characters of a program's name: tp_sys_enter_sock_io, tp_sys_enter_recvfrom/recvmsg, tp_sys_exit_sock_send/recv.
    private static readonly HashSet<string> s_syscallPrograms = ["tp_sys_enter_so", "tp_sys_enter_re", "tp_sys_exit_soc"];

    private static readonly string[] s_modes = ["no probe", "sock", "syscalls"];

    public static string Run(string root)
    {
        string work = Path.Combine(root, "build", "bench");
        string pingpong = Path.Combine(work, "pingpong");
        string agent = Path.Combine(root, "build", "netscope");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var pairNs = s_modes.ToDictionary(m => m, _ => new List<double>());
        var transactions = s_modes.ToDictionary(m => m, _ => new List<double>());
        for (int round = 0; round < Rounds; round++)
        {
            foreach (string mode in s_modes)
            {
                using Process? p = mode == "no probe" ? null : StartAgent(agent, work, mode, http);
                pairNs[mode].Add(DdNsPerPair());
                transactions[mode].Add(ProbeOverheadBench.Load(pingpong));
                if (p is not null)
                {
                    AgentProcess.Stop(p);
                }
            }
        }

        // Kernel-measured ns per program run (stats on only here: they add two clock reads per run).
        double nonSocketNs, socketNs;
        using (BpfRunStats.Enable())
        {
            using Process p = StartAgent(agent, work, "syscalls", http);
            nonSocketNs = BpfRunStats.NsPerRun(s_syscallPrograms, () => DdNsPerPair());
            socketNs = BpfRunStats.NsPerRun(s_syscallPrograms, () => ProbeOverheadBench.Load(pingpong));
            AgentProcess.Stop(p);
        }

        double none = Repo.Median(pairNs["no probe"]);
        double sockPair = Repo.Median(pairNs["sock"]);
        double syscallsPair = Repo.Median(pairNs["syscalls"]);
        double sockTps = Repo.Median(transactions["sock"]);
        double syscallsTps = Repo.Median(transactions["syscalls"]);
        string Runs(List<double> values, string format) => string.Join(", ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));
        var md = new StringBuilder();
        md.AppendLine("## Syscalls hook set (tracepoint rung before Linux 6.3)");
        md.AppendLine();
        md.AppendLine("`build/netscope run` with `interfaces: []`, `probes: {rungs: [tracepoint], tracepoint_hooks: sock|syscalls}` against no");
        md.AppendLine(CultureInfo.InvariantCulture, $"probe. Non-socket I/O (the worst case, since the syscalls programs fire on every read and write): `dd bs=1 count={Bytes:N0}`");
        md.AppendLine(CultureInfo.InvariantCulture, $"from /dev/zero to /dev/null, ns per read+write pair. TCP: `bench/pingpong.c` as in `BENCH=probe`. {Rounds} rounds,");
        md.AppendLine("modes in turn; medians. Reproduce: `make bench BENCH=syscalls`.");
        md.AppendLine();
        md.AppendLine("| figure | no probe | sock hook set | syscalls hook set | syscalls vs no probe |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| ns per read+write pair on /dev/zero → /dev/null | {none:0} | {sockPair:0} | {syscallsPair:0} | +{syscallsPair - none:0} ns ({syscallsPair / none:0.00}x) |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| TCP ping-pong transactions/s | {Repo.Median(transactions["no probe"]):N0} | {sockTps:N0} | {syscallsTps:N0} | {syscallsTps / Repo.Median(transactions["no probe"]) * 100:0.0} % (sock: {sockTps / Repo.Median(transactions["no probe"]) * 100:0.0} %) |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Runs, ns per pair: no probe {Runs(pairNs["no probe"], "0")}; sock {Runs(pairNs["sock"], "0")}; syscalls {Runs(pairNs["syscalls"], "0")}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Runs, transactions/s: no probe {Runs(transactions["no probe"], "N0")}; sock {Runs(transactions["sock"], "N0")}; syscalls {Runs(transactions["syscalls"], "N0")}.");
        md.AppendLine();
        md.AppendLine("Profile (one extra run with BPF_ENABLE_STATS), kernel-measured ns per run of the syscalls hook set's programs");
        md.AppendLine("(enter and exit averaged):");
        md.AppendLine();
        md.AppendLine("| traffic | ns per run |");
        md.AppendLine("|---|---:|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| non-socket (dd): the fd is resolved and refused at enter, the exit finds nothing | {nonSocketNs:0} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| TCP (ping-pong): resolve and save at enter, the shared handler at exit | {socketNs:0} |");
        return md.ToString();
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
