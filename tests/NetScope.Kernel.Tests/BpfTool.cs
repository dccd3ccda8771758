using System.Diagnostics;
using System.Text.Json;

namespace NetScope.Kernel.Tests;

/// <summary>Asks bpftool what the kernel has loaded, independently of libbpf and the agent.</summary>
internal static class BpfTool
{
    /// <summary>How many BPF programs, maps and links the kernel holds (bpftool prog/map/link show).</summary>
    public static (int Programs, int Maps, int Links) Counts() => (Count("prog"), Count("map"), Count("link"));

    private static int Count(string kind)
    {
        var start = new ProcessStartInfo("bpftool", $"--json {kind} show") { RedirectStandardOutput = true };
        using Process process = Process.Start(start)!;
        string json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.StandardOutput.Dispose(); // Process.Dispose leaves redirected pipes to the finalizer
        using JsonDocument doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        return doc.RootElement.GetArrayLength();
    }

    /// <summary>
    /// Ids of the loaded programs named like <paramref name="names"/>. Tests compare ids, not names: other
    /// processes on the machine may load programs with the same names at the same time.
    /// </summary>
    public static HashSet<int> ProgramIds(IReadOnlySet<string> names) =>
        LoadedPrograms().Where(p => names.Contains(p.Name)).Select(p => p.Id).ToHashSet();

    /// <summary>
    /// Whether none of the programs <paramref name="ids"/> is loaded within <paramref name="timeout"/>. Unloading
    /// is not synchronous with closing the last fd: the kernel frees a tp_btf program's raw tracepoint link, and
    /// with it the program, after an RCU grace period, so its id stays listed for a few milliseconds.
    /// </summary>
    public static bool Unloaded(IReadOnlySet<int> ids, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (LoadedPrograms().Any(p => ids.Contains(p.Id)))
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    /// <summary>Id and name of every loaded BPF program (the kernel keeps the first 15 characters of names).</summary>
    public static List<(int Id, string Name)> LoadedPrograms()
    {
        var start = new ProcessStartInfo("bpftool", "--json prog show") { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        string json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"bpftool prog show failed: {process.StandardError.ReadToEnd()}");
        using JsonDocument doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateArray()
            .Where(p => p.TryGetProperty("name", out _))
            .Select(p => (p.GetProperty("id").GetInt32(), p.GetProperty("name").GetString()!))
            .ToList();
    }

    /// <summary>
    /// The names bpftool may show for the given programs: the full name (bpftool reads it from BTF) and
    /// the kernel's truncated one (BPF_OBJ_NAME_LEN - 1 = 15 characters) when BTF is unavailable.
    /// </summary>
    public static IEnumerable<string> KernelNames(IEnumerable<string> names) =>
        names.SelectMany(n => n.Length > 15 ? new[] { n, n[..15] } : [n]);
}
