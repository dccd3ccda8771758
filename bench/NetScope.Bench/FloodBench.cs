using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace NetScope.Bench;

/// <summary>
/// Flood absorption: nginx (one worker) serving a small page in a namespace; a 200-connection wrk GET
/// flood from one address and a 4-connection "legitimate" wrk from another. The legitimate client's
/// successful req/s and p99 and nginx's CPU time, with no flood, and under the flood with no protection,
/// with nginx limit_req on the attacker's address, and with a NetScope XDP drop rule on the same address.
/// Scenarios alternate within each round; figures are medians over the rounds.
/// </summary>
internal static partial class FloodBench
{
    private const int Rounds = 5;
    private const int Seconds = 5;
    private const int FloodConnections = 200;
    private const int LegitConnections = 4;
    private const int Port = 8080;
    private const int AgentPort = 9745;

    private enum Scenario
    {
        NoFlood,
        Unprotected,
        LimitReq,
        NetScope,
    }

    private readonly record struct Sample(double LegitRps, double P99Ms, double NginxCpuPercent, long Non2xx, double AttackerRps = double.NaN);

    public static string Run(string root)
    {
        string work = Directory.CreateTempSubdirectory("netscope-bench-flood-").FullName;
        string agent = Path.Combine(root, "build", "netscope");
        var samples = Enum.GetValues<Scenario>().ToDictionary(s => s, _ => new List<Sample>());
        long agentDrops = 0;
        try
        {
            File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101);
            Directory.CreateDirectory(Path.Combine(work, "www"));
            File.WriteAllText(Path.Combine(work, "www", "index.html"), "<html><body>ok</body></html>\n");
            string plain = WriteNginxConfig(work, "plain", limit: false);
            string limited = WriteNginxConfig(work, "limit", limit: true);
            string agentConfig = Path.Combine(work, "agent.yaml");
            File.WriteAllText(agentConfig, $$"""
                interfaces: [{{FloodNetwork.AttackerInterface}}, {{FloodNetwork.LegitInterface}}]
                rules:
                  - name: get-flood
                    match: {ports: [{{Port}}], methods: [GET], sources: [{{FloodNetwork.AttackerAddress}}/32]}
                    action: drop
                """);

            using FloodNetwork net = FloodNetwork.Create();
            for (int round = 0; round < Rounds; round++)
            {
                using (var nginx = Nginx.Start(net.Server, plain))
                {
                    samples[Scenario.NoFlood].Add(Measure(net, nginx, flood: false));
                    samples[Scenario.Unprotected].Add(Measure(net, nginx, flood: true));
                    using Process a = FloodNetwork.Start(net.Server, agent, ["run", "--config", agentConfig, "--listen", $"127.0.0.1:{AgentPort}", "--log-level", "Warning"]);
                    try
                    {
                        Drain(a);
                        WaitAgentReady(net.Server, a);
                        samples[Scenario.NetScope].Add(Measure(net, nginx, flood: true));
                        agentDrops = RuleDrops(net.Server);
                    }
                    finally
                    {
                        AgentProcess.Stop(a);
                    }
                }
                using (var nginx = Nginx.Start(net.Server, limited))
                {
                    samples[Scenario.LimitReq].Add(Measure(net, nginx, flood: true));
                }
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        if (agentDrops == 0)
        {
            throw new InvalidOperationException("the NetScope rule dropped nothing: the XDP scenario did not apply");
        }
        return Section(samples, agentDrops);
    }

    private static string Section(Dictionary<Scenario, List<Sample>> samples, long agentDrops)
    {
        Sample Med(Scenario s) => new(
            Repo.Median(samples[s].Select(x => x.LegitRps)),
            Repo.Median(samples[s].Select(x => x.P99Ms)),
            Repo.Median(samples[s].Select(x => x.NginxCpuPercent)),
            (long)Repo.Median(samples[s].Select(x => (double)x.Non2xx)),
            Repo.Median(samples[s].Select(x => x.AttackerRps)));
        Sample alone = Med(Scenario.NoFlood), limit = Med(Scenario.LimitReq), ns = Med(Scenario.NetScope);
        double vsLimit = ns.LegitRps / limit.LegitRps;
        double vsAlone = ns.LegitRps / alone.LegitRps;
        string Runs(Scenario s) => string.Join(", ", samples[s].Select(x => x.LegitRps.ToString("N0", CultureInfo.InvariantCulture)));

        var md = new StringBuilder();
        md.AppendLine("## Flood absorption (nginx, wrk GET flood, namespaces)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"nginx 1.22 (Debian nginx-light), one worker, a 29-byte page, in a server namespace with one veth to an attacker");
        md.AppendLine(CultureInfo.InvariantCulture, $"namespace ({FloodNetwork.AttackerAddress}) and one to a legitimate client's ({FloodNetwork.LegitAddress}). Flood: `wrk -t2 -c{FloodConnections}` GET /, started 1 s");
        md.AppendLine(CultureInfo.InvariantCulture, $"before and running through the measurement; legitimate client: `wrk -t1 -c{LegitConnections} -d{Seconds}s --latency` GET /. Legitimate req/s");
        md.AppendLine("counts 2xx responses only. nginx CPU: utime+stime of master and worker (/proc/PID/stat) over the legitimate run.");
        md.AppendLine("Flood responses/s: every response the flood's wrk got (200 or 503), over its whole run.");
        md.AppendLine("limit_req: `limit_req_zone` keyed on the attacker's address only (a `map`; others unlimited), `rate=10r/s burst=20 nodelay`.");
        md.AppendLine("NetScope: `build/netscope run` in the server namespace, XDP on both server veths, static rule");
        md.AppendLine(CultureInfo.InvariantCulture, $"`match: {{ports: [{Port}], methods: [GET], sources: [{FloodNetwork.AttackerAddress}/32]}}, action: drop` (both protections know the same address;");
        md.AppendLine(CultureInfo.InvariantCulture, $"they differ in where the request dies). The rule dropped {agentDrops:N0} packets in the last round. {Rounds} rounds, scenarios in turn,");
        md.AppendLine("medians. Reproduce: `make bench BENCH=flood`.");
        md.AppendLine();
        md.AppendLine("| scenario | legitimate req/s (median) | per-round req/s | legitimate p99 | nginx CPU (% of a core) | flood responses/s |");
        md.AppendLine("|---|---:|---|---:|---:|---:|");
        foreach (Scenario s in Enum.GetValues<Scenario>())
        {
            Sample m = Med(s);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {Label(s)} | {m.LegitRps:N0} | {Runs(s)} | {m.P99Ms:0.00} ms | {m.NginxCpuPercent:0} % | {(double.IsNaN(m.AttackerRps) ? "—" : m.AttackerRps.ToString("N0", CultureInfo.InvariantCulture))} |");
        }
        md.AppendLine();
        md.AppendLine("| figure | measured | target | result |");
        md.AppendLine("|---|---:|---:|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| NetScope / limit_req (legitimate req/s) | {vsLimit:0.0}x | ≥ 10x | {Repo.Verdict(vsLimit >= 10)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| NetScope under flood / no flood | {vsAlone * 100:0} % | ≥ 50 % | {Repo.Verdict(vsAlone >= 0.5)} |");
        md.AppendLine();
        md.AppendLine("Issue #6's figures on these machines for comparison: alone 28.7k req/s, under flood 604 req/s unprotected and 955 with limit_req.");
        return md.ToString();
    }

    private static string Label(Scenario s) => s switch
    {
        Scenario.NoFlood => "no flood (baseline)",
        Scenario.Unprotected => "flood, no protection",
        Scenario.LimitReq => "flood, nginx limit_req",
        _ => "flood, NetScope XDP drop rule",
    };

    private static Sample Measure(FloodNetwork net, Nginx nginx, bool flood)
    {
        Process? attacker = null;
        Task<string>? attackerOutput = null;
        try
        {
            if (flood)
            {
                // Runs 1 s before and about 1 s after the legitimate run, then prints its own totals.
                attacker = FloodNetwork.Start(net.Attacker, "wrk", ["-t2", $"-c{FloodConnections}", $"-d{Seconds + 2}s", $"http://{FloodNetwork.ServerAttackerSide}:{Port}/"]);
                attackerOutput = attacker.StandardOutput.ReadToEndAsync();
                Drain(attacker, stdout: false);
                Thread.Sleep(1000);
            }
            long cpu0 = nginx.CpuTicks();
            var sw = Stopwatch.StartNew();
            (int code, string output, string error) = FloodNetwork.Run("ip", ["netns", "exec", net.Legit, "wrk", "-t1", $"-c{LegitConnections}", $"-d{Seconds}s", "--latency", $"http://{FloodNetwork.ServerLegitSide}:{Port}/"]);
            double seconds = sw.Elapsed.TotalSeconds;
            long cpu1 = nginx.CpuTicks();
            if (code != 0)
            {
                throw new InvalidOperationException($"legitimate wrk exited with {code}: {error}");
            }
            Sample legit = ParseWrk(output, (cpu1 - cpu0) / Repo.TicksPerSecond / seconds * 100);
            if (attacker is not null && attacker.WaitForExit(15_000) && attackerOutput is not null)
            {
                // Every response the flood got (200 or limit_req's 503): what nginx still served it.
                Match total = TotalLine().Match(attackerOutput.Result);
                legit = legit with { AttackerRps = total.Success ? long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture) / Duration(total.Groups[2].Value, total.Groups[3].Value) : double.NaN };
            }
            return legit;
        }
        finally
        {
            if (attacker is not null)
            {
                if (!attacker.HasExited)
                {
                    attacker.Kill();
                }
                attacker.WaitForExit();
                attacker.Dispose();
            }
        }
    }

    private static Sample ParseWrk(string output, double cpuPercent)
    {
        Match total = TotalLine().Match(output);
        if (!total.Success)
        {
            throw new InvalidOperationException($"unexpected wrk output: {output}");
        }
        long requests = long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture);
        double seconds = Duration(total.Groups[2].Value, total.Groups[3].Value);
        Match non2xx = Non2xxLine().Match(output);
        long bad = non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        Match p99 = P99Line().Match(output);
        double p99Ms = p99.Success ? Duration(p99.Groups[1].Value, p99.Groups[2].Value) * 1000 : double.NaN;
        return new Sample((requests - bad) / seconds, p99Ms, cpuPercent, bad);
    }

    private static double Duration(string value, string unit) =>
        double.Parse(value, CultureInfo.InvariantCulture) * unit switch
        {
            "us" => 1e-6,
            "ms" => 1e-3,
            "s" => 1,
            "m" => 60,
            _ => throw new InvalidOperationException($"unknown wrk time unit '{unit}'"),
        };

    private static string WriteNginxConfig(string work, string name, bool limit)
    {
        string zone = limit
            ? $$"""
                map $remote_addr $flood_key { {{FloodNetwork.AttackerAddress}} $binary_remote_addr; default ""; }
                limit_req_zone $flood_key zone=flood:1m rate=10r/s;
              """
            : "";
        string path = Path.Combine(work, name + ".conf");
        File.WriteAllText(path, $$"""
            worker_processes 1;
            worker_rlimit_nofile 8192;
            daemon off;
            pid {{work}}/{{name}}.pid;
            error_log {{work}}/{{name}}-error.log crit;
            events { worker_connections 4096; }
            http {
              access_log off;
              {{zone}}
              server {
                listen {{Port}} backlog=4096;
                root {{work}}/www;
                location / { {{(limit ? "limit_req zone=flood burst=20 nodelay;" : "")}} }
              }
            }
            """);
        return path;
    }

    private static void WaitAgentReady(string ns, Process agent)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (agent.HasExited)
            {
                throw new InvalidOperationException($"netscope exited with {agent.ExitCode} before /readyz");
            }
            if (FloodNetwork.Run("ip", ["netns", "exec", ns, "curl", "-sf", "-o", "/dev/null", $"http://127.0.0.1:{AgentPort}/readyz"]).Code == 0)
            {
                return;
            }
            Thread.Sleep(100);
        }
        throw new TimeoutException("netscope was not ready within 30 s");
    }

    private static long RuleDrops(string ns)
    {
        string metrics = FloodNetwork.Run("ip", ["netns", "exec", ns, "curl", "-s", $"http://127.0.0.1:{AgentPort}/metrics"]).Output;
        Match m = DropsLine().Match(metrics);
        return m.Success ? (long)double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static void Drain(Process p, bool stdout = true)
    {
        if (stdout)
        {
            p.OutputDataReceived += (_, _) => { };
            p.BeginOutputReadLine();
        }
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null && e.Data.Contains("rror", StringComparison.Ordinal)) { Console.Error.WriteLine(e.Data); } };
        p.BeginErrorReadLine();
    }

    [GeneratedRegex(@"(\d+) requests in ([\d.]+)(us|ms|s|m),")]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xxLine();

    [GeneratedRegex(@"\s99%\s+([\d.]+)(us|ms|s|m)")]
    private static partial Regex P99Line();

    [GeneratedRegex(@"netscope_rule_dropped_packets_total\{rule=""get-flood""\} ([\d.e+]+)")]
    private static partial Regex DropsLine();
}
