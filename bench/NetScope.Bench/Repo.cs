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
}
