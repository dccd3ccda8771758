using System.Globalization;
using System.Text;
using System.Text.Json;
using NetScope.Native;

namespace NetScope.Bench;

/// <summary>
/// Per-packet cost of xdp_http_flood under BPF_PROG_TEST_RUN against an empty program and xdp-tools'
/// filters, every program on the same packet, runs interleaved so drift hits all of them alike.
/// </summary>
internal static class XdpBench
{
    private const int Repeat = 1_000_000;
    private const int Runs = 5;
    private const uint XdpDrop = 1;
    private const uint XdpPass = 2;
    private const string XdpToolsDir = "/usr/lib/x86_64-linux-gnu/bpf";

    // (label, corpus file, manifest scenario, expected verdict, target ratio vs xdpfilt_dny_all or null)
    private static readonly (string Label, string File, string Scenario, uint Verdict, double? Target)[] s_cases =
    [
        ("HTTP GET, unblocked source (IPv4)", "001_vlan0_get.bin", "none", XdpPass, 2.0),
        ("HTTP GET, unblocked source, rate rule active", "096_not_blocked_neighbour.bin", "blocked_source", XdpPass, 2.0),
        ("HTTP GET, blocked source (dropped)", "092_blocked_source.bin", "blocked_source", XdpDrop, null),
        ("bare TCP ACK", "043_tcp_bare_ack_padded.bin", "none", XdpPass, 1.0),
        ("UDP datagram", "020_udp_dns.bin", "none", XdpPass, 1.0),
        ("HTTP GET, IPv6", "023_ipv6_get.bin", "none", XdpPass, null),
    ];

    public static string Run(string root)
    {
        string corpus = Path.Combine(root, "tests", "corpus", "xdp");
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(corpus, "manifest.json")));
        string flood = Path.Combine(root, "build", "bpf", "http_flood.bpf.o");
        string empty = Path.Combine(root, "build", "bench", "xdp_empty.bpf.o");

        var md = new StringBuilder();
        md.AppendLine("## XDP per-packet cost (BPF_PROG_TEST_RUN)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Kernel-reported ns per packet, median of {Runs} runs of {Repeat:N0} repetitions each. Ratio and target are against");
        md.AppendLine("xdp-tools' `xdpfilt_dny_all` (empty rule maps, so it passes every packet) on the same packet. Reproduce: `make bench BENCH=xdp`.");
        md.AppendLine();
        md.AppendLine("| packet | corpus file / scenario | empty XDP | xdpfilt_dny_ip | xdpfilt_dny_all | xdp_http_flood | ratio vs dny_all | target | result |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|");

        foreach (var c in s_cases)
        {
            byte[] packet = File.ReadAllBytes(Path.Combine(corpus, "packets", c.File));
            using BpfObject nsObj = LoadFlood(flood, manifest.RootElement.GetProperty("scenarios").GetProperty(c.Scenario));
            using BpfObject emptyObj = LoadXdp(empty);
            using BpfObject ipObj = LoadXdp(Path.Combine(XdpToolsDir, "xdpfilt_dny_ip.o"));
            using BpfObject allObj = LoadXdp(Path.Combine(XdpToolsDir, "xdpfilt_dny_all.o"));
            BpfProgram[] progs =
            [
                emptyObj.FindProgram("xdp_empty"),
                ipObj.FindProgram("xdpfilt_dny_ip"),
                allObj.FindProgram("xdpfilt_dny_all"),
                nsObj.FindProgram("xdp_http_flood"),
            ];

            // A wrong verdict means the scenario did not apply: the timing would describe another path.
            uint verdict = BpfTestRun.Run(progs[3], packet).ReturnValue;
            if (verdict != c.Verdict)
            {
                throw new InvalidOperationException($"{c.File}: xdp_http_flood returned {verdict}, expected {c.Verdict}");
            }

            var samples = progs.Select(_ => new List<double>()).ToArray();
            for (int run = 0; run < Runs; run++)
            {
                for (int p = 0; p < progs.Length; p++)
                {
                    samples[p].Add(BpfTestRun.Run(progs[p], packet, Repeat).DurationNs);
                }
            }
            double[] med = samples.Select(Repo.Median).ToArray();
            double ratio = med[3] / med[2];
            string target = c.Target is double t ? $"≤ {t:0.0}x" : "—";
            string result = c.Target is double t2 ? Repo.Verdict(ratio <= t2) : "info";
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Label} | `{c.File}` / {c.Scenario} | {med[0]:0} | {med[1]:0} | {med[2]:0} | {med[3]:0} | {ratio:0.00}x | {target} | {result} |");
        }
        md.AppendLine();
        md.AppendLine("The xdp-tools programs load standalone with libbpf (programs `xdpfilt_dny_ip`, `xdpfilt_dny_all`,");
        md.AppendLine("section `xdp`); their maps stay empty, which is their cheapest configuration. Absolute ns here can");
        md.AppendLine("exceed the anchor figures (empty 4–5 ns, dny_all 31–32 ns) when the test-run loop itself is slower on this");
        md.AppendLine("kernel or host (see the empty-program column); the ratios are what compare across machines.");
        return md.ToString();
    }

    private static BpfObject LoadXdp(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing (make bench builds it / installs xdp-tools)", path);
        }
        BpfObject obj = BpfObject.OpenFile(path);
        obj.Load();
        return obj;
    }

    private static BpfObject LoadFlood(string path, JsonElement scenario)
    {
        BpfObject obj = LoadXdp(path);
        foreach (JsonElement update in scenario.GetProperty("map_updates").EnumerateArray())
        {
            obj.FindMap(update.GetProperty("map").GetString()!)
                .UpdateRaw(Hex(update.GetProperty("key").GetString()!), Hex(update.GetProperty("value").GetString()!));
        }
        return obj;
    }

    private static byte[] Hex(string spaced) => Convert.FromHexString(spaced.Replace(" ", "", StringComparison.Ordinal));
}
