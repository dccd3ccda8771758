using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace NetScope.Bench;

/// <summary>
/// Kernel-measured run time of BPF programs (run_time_ns / run_cnt of bpf_prog_info), enabled with
/// BPF_ENABLE_STATS for as long as the returned handle lives, so the global sysctl is never touched
/// and stats switch off even if the benchmark dies. Read through `bpftool prog show --json`.
/// </summary>
internal sealed partial class BpfRunStats : IDisposable
{
    private const int BpfStatsRunTime = 0;
    private readonly int _fd;

    private BpfRunStats(int fd) => _fd = fd;

    public static BpfRunStats Enable()
    {
        int fd = bpf_enable_stats(BpfStatsRunTime);
        return fd < 0 ? throw new InvalidOperationException($"bpf_enable_stats failed: {fd}") : new BpfRunStats(fd);
    }

    /// <summary>Run time and run count summed over the loaded programs named in <paramref name="names"/>.</summary>
    public static (long RunTimeNs, long RunCount) Read(IReadOnlySet<string> names)
    {
        var psi = new ProcessStartInfo("bpftool") { ArgumentList = { "prog", "show", "--json" }, RedirectStandardOutput = true };
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start bpftool");
        string json = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        using JsonDocument doc = JsonDocument.Parse(json);
        long time = 0, count = 0;
        foreach (JsonElement prog in doc.RootElement.EnumerateArray())
        {
            if (prog.TryGetProperty("name", out JsonElement name) && names.Contains(name.GetString()!)
                && prog.TryGetProperty("run_time_ns", out JsonElement t) && prog.TryGetProperty("run_cnt", out JsonElement c))
            {
                time += t.GetInt64();
                count += c.GetInt64();
            }
        }
        return (time, count);
    }

    /// <summary>Runs <paramref name="window"/> and returns the programs' mean ns per run over it.</summary>
    public static double NsPerRun(IReadOnlySet<string> names, Action window)
    {
        var before = Read(names);
        window();
        var after = Read(names);
        long runs = after.RunCount - before.RunCount;
        return runs > 0 ? (after.RunTimeNs - before.RunTimeNs) / (double)runs : double.NaN;
    }

    public void Dispose() => _ = close(_fd);

    [LibraryImport("libbpf.so.1")]
    private static partial int bpf_enable_stats(int type);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
