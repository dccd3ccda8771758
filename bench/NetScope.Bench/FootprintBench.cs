using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NetScope.Bench;

/// <summary>Start-up time, memory and CPU of build/netscope with XDP off, idle and under loopback load.</summary>
internal static class FootprintBench
{
    private const int Starts = 5;
    private const int WindowSeconds = 10;

    /// <summary>
    /// Idle windows: the first starts once the agent is ready; the steady one 90 s after. With tiered
    /// compilation, methods run by the 1 s timers reached the runtime's 30-call threshold 30–60 s after start
    /// and the JIT recompiled them until about 70 s; the agent now runs ReadyToRun code with tiering off
    /// (bench/NOTES.md), and the two windows stay to show that start-up leaves no such tail. A daemon's idle
    /// cost is the steady one.
    /// </summary>
    private const int IdleWindowSeconds = 30;
    private const int SteadyAfterSeconds = 90;
    private const int LoadRate = 10_000;

    public static string Run(string root)
    {
        string agent = Path.Combine(root, "build", "netscope");
        string work = Path.Combine(root, "build", "bench");
        string config = Path.Combine(work, "footprint.yaml");
        File.WriteAllText(config, "interfaces: []\n");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };

        var startSeconds = new List<double>();
        for (int i = 0; i < Starts; i++)
        {
            using Process p = AgentProcess.Start(agent, config, work, out int port);
            startSeconds.Add(AgentProcess.WaitReady(http, p, port));
            AgentProcess.Stop(p);
        }

        using Process agentProc = AgentProcess.Start(agent, config, work, out int agentPort);
        AgentProcess.WaitReady(http, agentProc, agentPort);
        var readyAt = Stopwatch.StartNew();
        var firstIdle = Measure(agentProc.Id, () => Thread.Sleep(IdleWindowSeconds * 1000));
        Thread.Sleep(TimeSpan.FromSeconds(Math.Max(0, SteadyAfterSeconds - readyAt.Elapsed.TotalSeconds)));
        var idle = Measure(agentProc.Id, () => Thread.Sleep(IdleWindowSeconds * 1000));
        double achieved = 0;
        var load = Measure(agentProc.Id, () => achieved = LoopbackLoad.Run(LoadRate, TimeSpan.FromSeconds(WindowSeconds)));
        AgentProcess.Stop(agentProc);

        double start = Repo.Median(startSeconds);
        var md = new StringBuilder();
        md.AppendLine("## Agent footprint");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`build/netscope run --config <interfaces: []> --listen 127.0.0.1:<free port>`: TCP probes attached, XDP off.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Start-up: median of {Starts} starts, process start to first `/readyz` 200 (polled every 10 ms).");
        md.AppendLine(CultureInfo.InvariantCulture, $"RSS: median of 1 s VmRSS samples (max in brackets); CPU: utime+stime from /proc/PID/stat over the window.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Idle: {IdleWindowSeconds} s from ready (start-up's tail, info) and {IdleWindowSeconds} s from {SteadyAfterSeconds} s after");
        md.AppendLine(CultureInfo.InvariantCulture, $"ready (steady state, the target); under load: {WindowSeconds} s after that.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Load: in-process keep-alive HTTP/1.1 responder and paced client on loopback, 8 connections, target {LoadRate:N0} req/s,");
        md.AppendLine(CultureInfo.InvariantCulture, $"achieved {achieved:N0} req/s (traffic the TCP probes observe). Reproduce: `make bench BENCH=footprint`.");
        md.AppendLine();
        md.AppendLine("| figure | measured | baseline / anchor | target | result |");
        md.AppendLine("|---|---:|---|---:|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| start to /readyz 200 | {start:0.00} s (runs: {string.Join(", ", startSeconds.Select(s => s.ToString("0.00", CultureInfo.InvariantCulture)))}) | — | ≤ 2 s | {Repo.Verdict(start <= 2.0)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| RSS idle | {idle.RssMb:0.0} MB ({idle.MaxRssMb:0.0}) | Beyla 75–120 MB | ≤ 80 MB | {Repo.Verdict(idle.MaxRssMb <= 80)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| CPU idle, first {IdleWindowSeconds} s after ready | {firstIdle.CpuPercent:0.00} % of a core | — | — | info |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| CPU idle, steady state | {idle.CpuPercent:0.00} % of a core | Beyla 0.5–1.5 % | ≤ 1 % | {Repo.Verdict(idle.CpuPercent <= 1)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| RSS under load | {load.RssMb:0.0} MB ({load.MaxRssMb:0.0}) | Beyla 75–120 MB | ≤ 80 MB | {Repo.Verdict(load.MaxRssMb <= 80)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| CPU under load | {load.CpuPercent:0.00} % of a core | — | — | info |");
        return md.ToString();
    }

    private readonly record struct Usage(double RssMb, double MaxRssMb, double CpuPercent);

    private static Usage Measure(int pid, Action window)
    {
        var rss = new List<double>();
        long cpu0 = Repo.CpuTicks(pid);
        var sw = Stopwatch.StartNew();
        using var sampler = new Timer(_ => { lock (rss) { rss.Add(RssMb(pid)); } }, null, 0, 1000);
        window();
        long cpu1 = Repo.CpuTicks(pid);
        double seconds = sw.Elapsed.TotalSeconds;
        sampler.Dispose();
        lock (rss)
        {
            return new Usage(Repo.Median(rss), rss.Max(), (cpu1 - cpu0) / Repo.TicksPerSecond / seconds * 100);
        }
    }

    private static double RssMb(int pid)
    {
        string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
