using System.Diagnostics;
using System.Globalization;

namespace NetScope.Bench;

/// <summary>Paths and small statistics shared by the benchmarks.</summary>
internal static class Repo
{
    /// <summary>The repository root: the nearest directory upwards holding NetScope.sln.</summary>
    public static string FindRoot()
    {
        for (string? dir = Directory.GetCurrentDirectory(); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "NetScope.sln")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException("run from inside the NetScope repository (NetScope.sln not found)");
    }

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static string Verdict(bool pass) => pass ? "PASS" : "MISS";

    /// <summary>
    /// A distribution-free confidence interval of at least 95 % for the median: order statistics k and n + 1 - k,
    /// with k the largest rank such that P(Binomial(n, 1/2) &lt; k) ≤ 2.5 %. Below 6 values no such k exists and
    /// the interval is the whole range.
    /// </summary>
    public static (double Low, double High) MedianConfidenceInterval(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int n = sorted.Length;
        int k = 0; // P(Binomial(n, 1/2) <= k - 1), summed term by term
        double below = 0, term = Math.Pow(0.5, n);
        while (k < n / 2 && below + term <= 0.025)
        {
            below += term;
            term = term * (n - k) / (k + 1);
            k++;
        }
        return k == 0 ? (sorted[0], sorted[^1]) : (sorted[k - 1], sorted[n - k]);
    }

    /// <summary>USER_HZ: /proc/PID/stat counts CPU time in 1/100 s on every Linux ABI, whatever CONFIG_HZ is.</summary>
    public const double TicksPerSecond = 100;

    /// <summary>utime+stime of <paramref name="pid"/> in USER_HZ ticks.</summary>
    public static long CpuTicks(int pid)
    {
        // Fields after the ")" that closes comm: [0] is state (field 3), so utime (14) is [11], stime [12].
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a benchmark tool to completion and returns its standard output; fails naming the tool on a non-zero exit.</summary>
    public static string ToolOutput(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {p.ExitCode}: {output}");
    }
}
