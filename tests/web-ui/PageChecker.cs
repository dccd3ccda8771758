using System.Diagnostics;
using System.Text.Json;

// Compiled into NetScope.Exporters.Tests and NetScope.Kernel.Tests (linked from tests/web-ui/), so both
// drive the page the same way: through check-page.js, Playwright and the system's headless Chromium.
namespace NetScope.WebUi.Tests;

/// <summary>What check-page.js saw on the page (app.js documents the data attributes it reads).</summary>
internal sealed record PageReport(
    bool Reached,
    string[] ReachedStates,
    string State,
    int NonZeroCells,
    string Series,
    int FloodRules,
    string ErrorText,
    bool EmptyShown,
    int SeriesRows,
    string Status,
    string[] ConsoleErrors,
    string[] CspViolations,
    string[] ForeignRequests);

/// <summary>Runs tests/web-ui/check-page.js against a live page and returns its report.</summary>
internal static class PageChecker
{
    /// <summary>Set by `make test`: a browser test that would skip fails instead.</summary>
    public const string RequireVariable = "NETSCOPE_REQUIRE_BROWSER_TESTS";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    public static string Chromium => Environment.GetEnvironmentVariable("NETSCOPE_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>The checkout holding NetScope.sln, found upwards from the test output.</summary>
    public static string RepoRoot => NetScope.Tests.Shared.RepoPaths.Root;

    /// <summary>build/test-artifacts: screenshots kept after the run (CI keeps build/).</summary>
    public static string ArtifactsDirectory => Directory.CreateDirectory(Path.Combine(RepoRoot, "build", "test-artifacts")).FullName;

    private static string ToolDirectory => Path.Combine(RepoRoot, "tests", "web-ui");

    /// <summary>Skips the test (or fails it under NETSCOPE_REQUIRE_BROWSER_TESTS=1) when node, Chromium or Playwright is missing.</summary>
    public static void Require()
    {
        string? missing = MissingPrerequisite();
        if (missing is null)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
        {
            Assert.Fail($"Browser test cannot run ({missing}), and {RequireVariable}=1 forbids skipping it.");
        }

        throw new SkipException($"Browser test skipped: {missing}. `make deps` installs it.");
    }

    /// <summary>
    /// Opens <paramref name="url"/>, waits until body[data-state] is <paramref name="state"/> (a comma-separated
    /// sequence waits for each in turn), "ready" with at least <paramref name="minCells"/> non-zero heatmap
    /// cells, and saves a full-page screenshot.
    /// </summary>
    public static async Task<PageReport> CheckAsync(Uri url, string state, int minCells, string screenshot, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ToolDirectory };
        foreach (string arg in new[]
                 {
                     "check-page.js", "--url", url.ToString(), "--state", state, "--min-cells", minCells.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--screenshot", screenshot, "--timeout", ((int)timeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--chromium", Chromium,
                 })
        {
            start.ArgumentList.Add(arg);
        }

        using Process node = Process.Start(start)!;
        Task<string> stdout = node.StandardOutput.ReadToEndAsync();
        Task<string> stderr = node.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout + TimeSpan.FromSeconds(30));
        try
        {
            await node.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw new TimeoutException($"check-page.js did not finish: {await stderr}");
        }

        string output = (await stdout).Trim();
        Assert.True(node.ExitCode is 0 or 1 && output.Length > 0, $"check-page.js exited {node.ExitCode}: {await stderr}{output}");
        return JsonSerializer.Deserialize<PageReport>(output.Split('\n')[^1], s_json)!;
    }

    private static string? MissingPrerequisite()
    {
        if (!File.Exists(Chromium))
        {
            return $"no Chromium at {Chromium} (Debian package chromium)";
        }

        if (!Directory.Exists(Path.Combine(ToolDirectory, "node_modules", "playwright-core")))
        {
            return $"playwright-core not installed in {ToolDirectory} (npm ci there)";
        }

        return Environment.GetEnvironmentVariable("PATH")?.Split(':').Any(d => File.Exists(Path.Combine(d, "node"))) == true
            ? null
            : "node is not on PATH";
    }
}
