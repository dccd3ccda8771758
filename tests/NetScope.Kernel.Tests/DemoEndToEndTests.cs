using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NetScope.Kernel.Tests;

/// <summary>
/// `netscope demo --duration N`, twice in a row, as a user runs it: it exits 0, the flood was dropped and
/// the heatmap filled (seen live through the API and in the summary), and nothing of it is left: no
/// namespace, no link, no BPF program.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public partial class DemoEndToEndTests
{
    private const int DurationSeconds = 8;

    [SkippableFact]
    public async Task DemoDropsTheFloodFillsTheHeatmapAndCleansUpTwiceInARow()
    {
        KernelTestGuard.Require();
        for (int run = 1; run <= 2; run++)
        {
            await RunDemoOnceAsync(run);
        }
    }

    private static async Task RunDemoOnceAsync(int run)
    {
        HashSet<int> programsBefore = [.. BpfTool.LoadedPrograms().Select(p => p.Id)];
        int port = AgentProcess.FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "netscope.dll"), "demo", "--duration", DurationSeconds.ToString(CultureInfo.InvariantCulture), "--listen", $"127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }

        using Process demo = Process.Start(start)!;
        Task<string> output = demo.StandardOutput.ReadToEndAsync();
        Task<string> errors = demo.StandardError.ReadToEndAsync();
        ulong liveDrops = 0, liveHeatmap = 0;
        HashSet<int> demoPrograms = [];
        using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) })
        {
            var clock = Stopwatch.StartNew();
            while (!demo.HasExited && clock.Elapsed < TimeSpan.FromSeconds(DurationSeconds + 30))
            {
                try
                {
                    using JsonDocument flood = JsonDocument.Parse(await http.GetStringAsync("/api/v1/flood"));
                    liveDrops = Math.Max(liveDrops, flood.RootElement.GetProperty("rules").EnumerateArray().Aggregate(0UL, (sum, r) => sum + r.GetProperty("drops").GetUInt64()));
                    using JsonDocument heatmap = JsonDocument.Parse(await http.GetStringAsync("/api/v1/heatmap?role=server&port=80&scale=0"));
                    liveHeatmap = Math.Max(liveHeatmap, heatmap.RootElement.GetProperty("columns").EnumerateArray().Aggregate(0UL, (sum, c) => sum + c.GetProperty("count").GetUInt64()));
                    demoPrograms.UnionWith(BpfTool.LoadedPrograms().Select(p => p.Id).Where(id => !programsBefore.Contains(id)));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or KeyNotFoundException)
                {
                    // Not listening yet (set-up), or gone (clean-up).
                }

                await Task.Delay(500);
            }
        }

        Assert.True(await WaitForExitAsync(demo, TimeSpan.FromSeconds(DurationSeconds + 40)), $"run {run}: demo did not end");
        string text = await output, problems = await errors;
        Assert.True(demo.ExitCode == 0, $"run {run}: exit {demo.ExitCode}\n{text}\n{problems}");

        Assert.True(liveDrops > 0, $"run {run}: /api/v1/flood never showed a drop\n{text}");
        Assert.True(liveHeatmap > 0, $"run {run}: the heatmap of server port 80 stayed empty\n{text}");
        Assert.True(Number(DroppedLine(), text) > 0, $"run {run}: summary reports no drop\n{text}");
        Assert.True(Number(HeatmapLine(), text) > 0, $"run {run}: summary reports an empty heatmap\n{text}");
        Assert.Contains("Cleaned up:", text);

        // Nothing left behind: the demo's namespaces and links (named after its pid), and its BPF programs.
        string pid = demo.Id.ToString(CultureInfo.InvariantCulture);
        Assert.DoesNotContain($"nsdemo-{pid}-", Run("ip", "netns", "list"));
        Assert.DoesNotContain($"nsd{pid}", Run("ip", "-o", "link", "show"));
        Assert.NotEmpty(demoPrograms);
        Assert.True(SpinWait.SpinUntil(() => !BpfTool.LoadedPrograms().Any(p => demoPrograms.Contains(p.Id)), TimeSpan.FromSeconds(5)), $"run {run}: BPF programs of the demo still loaded");
    }

    private static ulong Number(Regex pattern, string text)
    {
        Match match = pattern.Match(text);
        return match.Success ? ulong.Parse(match.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), CultureInfo.InvariantCulture) : 0;
    }

    private static async Task<bool> WaitForExitAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return false;
        }
    }

    private static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    [GeneratedRegex(@"rule get-flood: ([\d,]+) packets dropped")]
    private static partial Regex DroppedLine();

    [GeneratedRegex(@"heatmap server port 80: ([\d,]+) requests")]
    private static partial Regex HeatmapLine();
}
