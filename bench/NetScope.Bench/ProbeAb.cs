using System.Globalization;
using System.Text;

namespace NetScope.Bench;

/// <summary>
/// Before/after of the TCP probe's programs (`make probe-ab BASE=&lt;rev&gt;`, root, minutes). The Makefile builds
/// bpf/tcp_latency.bpf.c as it is at BASE into build/bench/ab; this runs bench/probe_ab.c with that object, the working
/// tree's and the probe benchmark's two yardsticks on one continuous in-process ping-pong load, and prints each one's
/// share of the no-probe rate and its ratio to BASE round by round: medians with the benchmarks' distribution-free
/// 95 % interval, over the rounds in which every variant ran. It measures; it writes nothing to RESULTS.md.
/// </summary>
internal static class ProbeAb
{
    /// <summary>Where the Makefile puts BASE's object.</summary>
    public const string BaseObject = "build/bench/ab/tcp_latency-base.bpf.o";

    private const int SegmentMs = 500;

    /// <summary>Runs the comparison; <paramref name="args"/> are BASE (a label) and the number of rounds.</summary>
    public static int Run(string root, string[] args)
    {
        if (args.Length != 2 || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int rounds) || rounds <= 0)
        {
            Console.Error.WriteLine("usage: NetScope.Bench probe-ab <base revision> <rounds> (make probe-ab BASE=<rev> builds the base object first)");
            return 2;
        }

        (string Name, string Path)[] variants =
        [
            ($"base {args[0]}", BaseObject),
            ("working tree", "build/bpf/tcp_latency.bpf.o"),
            ("minimal probe", "build/bench/minimal_probe.bpf.o"),
            ("empty programs", "build/bench/empty_probe.bpf.o"),
        ];
        Console.WriteLine($"probe-ab: {rounds} rounds of {variants.Length} variants, {SegmentMs} ms segments");
        string output = Repo.ToolOutput(
            System.IO.Path.Combine(root, "build", "bench", "probe_ab"),
            [SegmentMs.ToString(CultureInfo.InvariantCulture), args[1], .. variants.Select(v => System.IO.Path.Combine(root, v.Path))]);
        string? summary = Summarize(output, variants.Select(v => v.Name).ToArray());
        if (summary is null)
        {
            Console.Error.WriteLine("probe-ab: no round in which every variant ran");
            return 1;
        }
        Console.Write(summary);
        return 0;
    }

    /// <summary>
    /// The shares and the ratios to the first variant from probe_ab's lines (round, variant index, share of the
    /// no-probe rate), over complete rounds; null when there is none.
    /// </summary>
    public static string? Summarize(string output, IReadOnlyList<string> names)
    {
        var rounds = new SortedDictionary<int, Dictionary<int, double>>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] f = line.Split(' ');
            int round = int.Parse(f[0], CultureInfo.InvariantCulture);
            if (!rounds.TryGetValue(round, out Dictionary<int, double>? shares))
            {
                rounds[round] = shares = [];
            }
            shares[int.Parse(f[1], CultureInfo.InvariantCulture)] = double.Parse(f[2], CultureInfo.InvariantCulture);
        }
        List<Dictionary<int, double>> complete = rounds.Values.Where(r => r.Count == names.Count).ToList();
        if (complete.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"share of the no-probe rate (transactions per CPU-second), {complete.Count} rounds:");
        for (int i = 0; i < names.Count; i++)
        {
            text.AppendLine(Line(names[i], complete.Select(r => r[i])));
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"round by round, against {names[0]}:");
        for (int i = 1; i < names.Count; i++)
        {
            text.AppendLine(Line(names[i], complete.Select(r => r[i] / r[0])));
        }
        return text.ToString();
    }

    private static string Line(string name, IEnumerable<double> values)
    {
        double[] v = values.ToArray();
        (double low, double high) = Repo.MedianConfidenceInterval(v);
        return string.Create(CultureInfo.InvariantCulture, $"  {name,-24} {Repo.Median(v) * 100,6:0.00} %  (95 % CI {low * 100:0.00}-{high * 100:0.00})");
    }
}
