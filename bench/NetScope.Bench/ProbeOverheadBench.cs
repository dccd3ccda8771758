using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NetScope.Bench;

/// <summary>
/// What the TCP probes cost a busy loopback service: 1-byte ping-pong transactions (bench/pingpong.c) with
/// no probe, with the agent attached (TCP probes, XDP off) and with bpftrace running bench/tcp_latency.bt
/// on the same tracepoints.
/// <para>
/// The machine is shared (2 cores, other tenants' builds and tests), so one measurement of a mode says
/// little: throughput drifts by ±10 % over seconds and halves when a neighbour takes a core. Hence many
/// short measurements in the order N A N B N E N A … N (N: no probe, A: NetScope, B: bpftrace, E: empty programs), each probe
/// measurement compared with the mean of the two no-probe measurements around it (which cancels linear
/// drift), and the verdict on the median of those per-round ratios with its confidence interval. Each
/// measurement also yields transactions per CPU-second: the load's own run time (its send/recv calls run
/// the probe programs) plus the probe process's. The load saturates both cores when it has them, so on a
/// quiet machine that ratio equals the throughput ratio; on a busy one CPU taken by others lowers the
/// throughput of whichever mode runs at that moment, but not the per-CPU rate.
/// </para>
/// </summary>
internal static class ProbeOverheadBench
{
    private const int Rounds = 16;
    private const int Connections = 4;

    /// <summary>Per measurement: throughput drifts on a scale of seconds here, so more short rounds beat fewer long ones.</summary>
    private const int Seconds = 2;
    private const int ProfileWindows = 3;
    private const double Target = 0.95;

    /// <summary>After /readyz: the agent's start-up work (JIT, first scrape) is done within half a second.</summary>
    private static readonly TimeSpan s_agentSettle = TimeSpan.FromSeconds(1);

    private static readonly HashSet<string> s_netscopePrograms = ["btf_sock_send_length", "btf_sock_recv_length"];

    // bpftrace names a program after its probe, truncated to the kernel's 15 characters.
    private static readonly HashSet<string> s_bpftracePrograms = ["sock_send_lengt", "sock_recv_lengt"];

    private static readonly HashSet<string> s_emptyPrograms = ["empty_send", "empty_recv"];
    private static readonly HashSet<string> s_minimalPrograms = ["minimal_send", "minimal_recv"];

    /// <summary>One ping-pong measurement.</summary>
    /// <param name="Rate">Transactions per second.</param>
    /// <param name="RatePerCpu">Transactions per CPU-second of the load and the probe process together.</param>
    /// <param name="LoadShare">The load's and the probe process's CPU time over the machine's (1: they had every core).</param>
    /// <param name="ProbeCores">The probe process's CPU time over the measurement, in cores.</param>
    private readonly record struct Measurement(double Rate, double RatePerCpu, double LoadShare, double ProbeCores);

    /// <summary>A probe measurement against the mean of the no-probe measurements just before and after it.</summary>
    private readonly record struct Ratio(double Raw, double PerCpu, double ProbeCores);

    public static string Run(string root)
    {
        string work = Path.Combine(root, "build", "bench");
        string pingpong = Path.Combine(work, "pingpong");
        string agent = Path.Combine(root, "build", "netscope");
        string script = Path.Combine(root, "bench", "tcp_latency.bt");
        string config = Path.Combine(work, "probe-overhead.yaml");
        File.WriteAllText(config, "interfaces: []\n");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();

        var none = new List<Measurement> { Load(pingpong, null) };
        var netscope = new List<Ratio>();
        var bpftrace = new List<Ratio>();
        var empty = new List<Ratio>();
        var minimal = new List<Ratio>();
        string loader = Path.Combine(work, "probe_loader");
        string emptyObject = Path.Combine(work, "empty_probe.bpf.o");
        string minimalObject = Path.Combine(work, "minimal_probe.bpf.o");
        for (int round = 0; round < Rounds; round++)
        {
            Measurement withAgent;
            using (Process p = AgentProcess.Start(agent, config, work, out int port))
            {
                AgentProcess.WaitReady(http, p, port);
                Thread.Sleep(s_agentSettle);
                withAgent = Load(pingpong, p.Id);
                AgentProcess.Stop(p);
            }

            netscope.Add(AgainstBaselines(withAgent, pingpong, none));

            Measurement withBpftrace;
            using (var bt = BpftraceProcess.Start(script))
            {
                withBpftrace = Load(pingpong, bt.Pid);
                bt.StopAndCheck("@latency_us");
            }

            bpftrace.Add(AgainstBaselines(withBpftrace, pingpong, none));

            empty.Add(WithLoadedObject(pingpong, loader, emptyObject, none));
            minimal.Add(WithLoadedObject(pingpong, loader, minimalObject, none));
        }

        TimeSpan measured = clock.Elapsed;

        // A separate profile pass: the kernel's own ns per program run (stats on only here, since they
        // add two clock reads per run), for the send/recv programs that fire on every ping and pong.
        List<double> nsNetScope, nsBpftrace, nsEmpty, nsMinimal;
        using (BpfRunStats.Enable())
        {
            using (ProbeLoaderProcess.Start(loader, emptyObject))
            {
                nsEmpty = NsPerRunWindows(s_emptyPrograms, pingpong);
            }

            using (ProbeLoaderProcess.Start(loader, minimalObject))
            {
                nsMinimal = NsPerRunWindows(s_minimalPrograms, pingpong);
            }

            using (Process p = AgentProcess.Start(agent, config, work, out int port))
            {
                AgentProcess.WaitReady(http, p, port);
                Thread.Sleep(s_agentSettle);
                nsNetScope = NsPerRunWindows(s_netscopePrograms, pingpong);
                AgentProcess.Stop(p);
            }

            using var bt = BpftraceProcess.Start(script);
            nsBpftrace = NsPerRunWindows(s_bpftracePrograms, pingpong);
            bt.StopAndCheck("@latency_us");
        }

        return Report(none, netscope, bpftrace, empty, minimal, new Profile(nsNetScope, nsBpftrace, nsEmpty, nsMinimal), measured);
    }

    /// <summary>Kernel ns per run of <paramref name="programs"/>, one value per profile window of load.</summary>
    private static List<double> NsPerRunWindows(HashSet<string> programs, string pingpong) =>
        [.. Enumerable.Range(0, ProfileWindows).Select(_ => BpfRunStats.NsPerRun(programs, () => Load(pingpong, null)))];

    /// <summary>
    /// Takes the no-probe measurement that follows a probe measurement and returns the probe's ratio against
    /// the mean of that one and the one before it (the interleaving's N _ N).
    /// </summary>
    private static Ratio AgainstBaselines(Measurement probe, string pingpong, List<Measurement> none)
    {
        none.Add(Load(pingpong, null));
        return Against(probe, none[^2], none[^1]);
    }

    /// <summary>Kernel ns per run of each set of send/recv programs, one value per window.</summary>
    private sealed record Profile(List<double> NetScope, List<double> Bpftrace, List<double> Empty, List<double> Minimal);

    /// <summary>One measurement with <paramref name="obj"/>'s programs held by the loader, then the no-probe one after it.</summary>
    private static Ratio WithLoadedObject(string pingpong, string loader, string obj, List<Measurement> none)
    {
        Measurement with;
        using (var held = ProbeLoaderProcess.Start(loader, obj))
        {
            with = Load(pingpong, held.Pid);
        }

        return AgainstBaselines(with, pingpong, none);
    }

    private static Ratio Against(Measurement probe, Measurement before, Measurement after) => new(
        probe.Rate / ((before.Rate + after.Rate) / 2),
        probe.RatePerCpu / ((before.RatePerCpu + after.RatePerCpu) / 2),
        probe.ProbeCores);

    /// <summary>Transactions/s of one pingpong run with this benchmark's connections and duration (SyscallHookSetBench).</summary>
    internal static double Rate(string pingpong) => Load(pingpong, null).Rate;

    /// <summary>One pingpong run; <paramref name="probePid"/> is the probe process whose CPU time counts with the load's.</summary>
    private static Measurement Load(string pingpong, int? probePid)
    {
        long probeTicks = probePid is { } pid ? Repo.CpuTicks(pid) : 0;
        string[] fields = Repo.ToolOutput(pingpong, Connections.ToString(CultureInfo.InvariantCulture), Seconds.ToString(CultureInfo.InvariantCulture))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        double probeCpu = probePid is { } p ? (Repo.CpuTicks(p) - probeTicks) / Repo.TicksPerSecond : 0;
        double rate = double.Parse(fields[0], CultureInfo.InvariantCulture);
        double loadCpu = double.Parse(fields[1], CultureInfo.InvariantCulture);
        double elapsed = double.Parse(fields[2], CultureInfo.InvariantCulture);
        double cpu = loadCpu + probeCpu;
        return new Measurement(rate, rate * elapsed / cpu, cpu / (elapsed * Environment.ProcessorCount), probeCpu / elapsed);
    }

    private static string Report(
        List<Measurement> none, List<Ratio> netscope, List<Ratio> bpftrace, List<Ratio> empty, List<Ratio> minimal, Profile ns, TimeSpan measured)
    {
        double share = Repo.Median(netscope.Select(r => r.PerCpu));
        var md = new StringBuilder();
        md.AppendLine("## Probe overhead (loopback TCP ping-pong)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`bench/pingpong.c`: {Connections} loopback TCP connections, 1-byte request and 1-byte response, a client and a server thread");
        md.AppendLine("per connection. NetScope: `build/netscope run` with `interfaces: []` (TCP probes on the tracepoint rung: `sock_send_length`,");
        md.AppendLine("`sock_recv_length`, `inet_sock_set_state`; XDP off). bpftrace 0.17 (Debian): `bench/tcp_latency.bt`, the same three");
        md.AppendLine("tracepoints, a per-socket map of roles and start times and two histograms (latency, srtt). Empty programs (the floor):");
        md.AppendLine("`bench/empty_probe.bpf.c`, two programs that return at once, on the agent's send/recv hooks (`tp_btf/sock_send_length`,");
        md.AppendLine("`tp_btf/sock_recv_length`), held by `bench/probe_loader.c`: what the hooks cost whatever a program does. Minimal per-socket probe:");
        md.AppendLine("`bench/minimal_probe.bpf.c` on the same hooks, held the same way: per event one `bpf_sk_storage_get` and one clock read, what a");
        md.AppendLine("per-socket latency probe does that reads the clock at every event (no roles, series, histograms or counters; NetScope's sends take");
        md.AppendLine("the stack's transmit time instead, docs/kernels.md). Reproduce: `make bench BENCH=probe`; the programs alone against an earlier");
        md.AppendLine("revision's, with tighter intervals: `make probe-ab BASE=<rev>` (bench/NOTES.md).");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Method (the machine is shared: a single measurement drifts within seconds and halves when a neighbour takes a core):");
        md.AppendLine(CultureInfo.InvariantCulture, $"{Seconds} s measurements in the order N A N B N E N M N A … N (N no probe, A NetScope, B bpftrace, E empty programs, M minimal");
        md.AppendLine(CultureInfo.InvariantCulture, $"per-socket probe), {Rounds} rounds, {none.Count + netscope.Count + bpftrace.Count + empty.Count + minimal.Count} measurements in {measured.TotalMinutes:0.0} min. Each probe measurement is divided by the mean of the no-probe measurements just");
        md.AppendLine("before and after it (drift cancels); the figure is the median of these per-round ratios, with a distribution-free 95 %");
        md.AppendLine("confidence interval of the median (order statistics). Two rates per measurement: transactions per second, and");
        md.AppendLine("transactions per CPU-second, the CPU being the load's own run time (getrusage of pingpong: user + system of all its");
        md.AppendLine("threads, which includes the probe programs running in its send/recv calls and the softirq work done in its context) plus");
        md.AppendLine("the probe process's (utime + stime of the agent or bpftrace). The load saturates both cores when it has them, so on a");
        md.AppendLine("quiet machine both ratios are the same; CPU taken by other tenants lowers the per-second rate of whichever mode runs at");
        md.AppendLine("that moment but not the per-CPU-second rate, so the verdict is on the per-CPU-second ratio and the raw one is shown beside it.");
        md.AppendLine("No pinning: pinning each connection's two threads to one core did not narrow the spread (bench/NOTES.md).");
        md.AppendLine();
        md.AppendLine("| mode | share of no-probe per CPU-second: median (95 % CI) | per-round ratios (per CPU-second) | share of no-probe per second: median (95 % CI) | target | result |");
        md.AppendLine("|---|---:|---|---:|---:|---|");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| NetScope attached | {Percent(share)} ({Interval(netscope.Select(r => r.PerCpu))}) | {Ratios(netscope.Select(r => r.PerCpu))} | {Percent(Repo.Median(netscope.Select(r => r.Raw)))} ({Interval(netscope.Select(r => r.Raw))}) | ≥ {Target * 100:0} % | {Repo.Verdict(share >= Target)} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| bpftrace attached | {Percent(Repo.Median(bpftrace.Select(r => r.PerCpu)))} ({Interval(bpftrace.Select(r => r.PerCpu))}) | {Ratios(bpftrace.Select(r => r.PerCpu))} | {Percent(Repo.Median(bpftrace.Select(r => r.Raw)))} ({Interval(bpftrace.Select(r => r.Raw))}) | — (issue: about 79 %) | info |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| empty programs on the same hooks (the floor) | {Percent(Repo.Median(empty.Select(r => r.PerCpu)))} ({Interval(empty.Select(r => r.PerCpu))}) | {Ratios(empty.Select(r => r.PerCpu))} | {Percent(Repo.Median(empty.Select(r => r.Raw)))} ({Interval(empty.Select(r => r.Raw))}) | — | info |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| minimal per-socket probe (socket storage + clock read only) | {Percent(Repo.Median(minimal.Select(r => r.PerCpu)))} ({Interval(minimal.Select(r => r.PerCpu))}) | {Ratios(minimal.Select(r => r.PerCpu))} | {Percent(Repo.Median(minimal.Select(r => r.Raw)))} ({Interval(minimal.Select(r => r.Raw))}) | — | info |");
        // The programs' own cost above the hook: each round's NetScope ratio over the same round's floor ratio.
        List<double> aboveFloor = netscope.Zip(empty, (a, e) => a.PerCpu / e.PerCpu).ToList();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| NetScope relative to the floor (per round: NetScope ÷ empty) | {Percent(Repo.Median(aboveFloor))} ({Interval(aboveFloor)}) | {Ratios(aboveFloor)} | — | — | info |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"No-probe measurements ({none.Count}): median {Repo.Median(none.Select(m => m.Rate)):N0} transactions/s (range {none.Min(m => m.Rate):N0}–{none.Max(m => m.Rate):N0}), " +
            $"{Repo.Median(none.Select(m => m.RatePerCpu)):N0} per CPU-second (range {none.Min(m => m.RatePerCpu):N0}–{none.Max(m => m.RatePerCpu):N0}); " +
            $"the load had {Percent(Repo.Median(none.Select(m => m.LoadShare)))} of the machine's CPU time (median; lowest {Percent(none.Min(m => m.LoadShare))}). " +
            $"The probe processes' own CPU during their measurements (in the per-CPU-second rates): agent {Percent(Repo.Median(netscope.Select(r => r.ProbeCores)))} of a core, " +
            $"bpftrace {Percent(Repo.Median(bpftrace.Select(r => r.ProbeCores)))} (medians).");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Profile (a separate pass with BPF_ENABLE_STATS, median of {ProfileWindows} windows of {Seconds} s): kernel-measured ns per run of the");
        md.AppendLine("send/recv programs, which fire on every 1-byte send and receive (4 per transaction); the figure includes the two clock");
        md.AppendLine("reads the stats add to every run.");
        md.AppendLine();
        md.AppendLine("| programs | ns per run (median) | windows |");
        md.AppendLine("|---|---:|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| NetScope `btf_sock_send_length` + `btf_sock_recv_length` | {Repo.Median(ns.NetScope):0} | {Joined(ns.NetScope, "0")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| bpftrace `sock_send_length` + `sock_recv_length` | {Repo.Median(ns.Bpftrace):0} | {Joined(ns.Bpftrace, "0")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| empty programs `empty_send` + `empty_recv` | {Repo.Median(ns.Empty):0} | {Joined(ns.Empty, "0")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| minimal per-socket probe `minimal_send` + `minimal_recv` | {Repo.Median(ns.Minimal):0} | {Joined(ns.Minimal, "0")} |");
        md.AppendLine();
        double perTransactionCpuNs = 1e9 / Repo.Median(none.Select(m => m.RatePerCpu));
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Above the empty programs, per run: minimal probe {Repo.Median(ns.Minimal) - Repo.Median(ns.Empty):0} ns, NetScope {Repo.Median(ns.NetScope) - Repo.Median(ns.Empty):0} ns. " +
            $"At 4 runs per transaction and {perTransactionCpuNs / 1000:0.0} µs of CPU per no-probe transaction, that is " +
            $"{Percent(4 * (Repo.Median(ns.Minimal) - Repo.Median(ns.Empty)) / perTransactionCpuNs)} and {Percent(4 * (Repo.Median(ns.NetScope) - Repo.Median(ns.Empty)) / perTransactionCpuNs)} of a transaction's CPU on top of what the hooks cost.");
        return md.ToString();
    }

    private static string Percent(double ratio) => (ratio * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Ratios(IEnumerable<double> ratios) => Joined(ratios, "0.00");

    private static string Joined(IEnumerable<double> values, string format) =>
        string.Join(", ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));

    private static string Interval(IEnumerable<double> ratios)
    {
        (double low, double high) = Repo.MedianConfidenceInterval(ratios);
        return $"{(low * 100).ToString("0.0", CultureInfo.InvariantCulture)}–{(high * 100).ToString("0.0", CultureInfo.InvariantCulture)} %";
    }
}
