using System.Globalization;
using NetScope.Agent.SelfTest;

namespace NetScope.Kernel.Tests;

/// <summary>
/// `netscope top` against a real agent, in a real terminal (tmux): the screen shows the series and a
/// heatmap with data, keys switch the series and quit; NO_COLOR gives plain text; no agent gives a
/// clear message.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class TopInTmuxTests
{
    private static readonly TimeSpan s_screenTimeout = TimeSpan.FromSeconds(20);

    private static string TopCommand(string arguments) =>
        $"dotnet {Path.Combine(AppContext.BaseDirectory, "netscope.dll")} top {arguments}";

    [SkippableFact]
    public async Task TopShowsLiveSeriesAndAHeatmapSwitchesSeriesAndQuits()
    {
        KernelTestGuard.Require();
        using AgentProcess agent = AgentProcess.Start();
        Assert.True(await agent.WaitReadyAsync(TimeSpan.FromSeconds(20)), agent.Output);
        await using var server = new LoopbackEchoServer(TimeSpan.FromMilliseconds(3));
        string port = server.Port.ToString(CultureInfo.InvariantCulture);
        using var traffic = new CancellationTokenSource();
        Task load = Task.Run(async () =>
        {
            while (!traffic.IsCancellationRequested)
            {
                await server.RoundTripsAsync(20);
            }
        });
        try
        {
            using var tmux = new TmuxSession(TopCommand($"--agent 127.0.0.1:{agent.Port} --interval 0.5"), 120, 40, new Dictionary<string, string> { ["TERM"] = "tmux-256color", ["LANG"] = "C.UTF-8" });

            // The echo server's series are listed (top follows the busiest), and the heatmap has coloured cells.
            // The flood panel may come a frame later than the heatmap (its own request), so wait for it too.
            string screen = tmux.WaitFor(
                s => Lines(s).Any(l => IsSeriesRow(l, "server", port)) && HeatmapRows(s).Any(r => r.Contains('█')) && s.Contains("Flood filter", StringComparison.Ordinal),
                s_screenTimeout);
            Assert.True(Lines(screen).Any(l => IsSeriesRow(l, "server", port)), $"series server {port} not listed:\n{screen}");
            Assert.Contains(port, HeatmapTitle(screen));
            Assert.True(HeatmapRows(screen).Any(r => r.Contains('█')), $"heatmap empty:\n{screen}");
            Assert.Contains("NetScope top", screen);
            Assert.Contains("Flood filter", screen);

            // j selects the next series: the heatmap's title changes; q quits and gives the terminal back.
            string title = HeatmapTitle(screen);
            tmux.SendKeys("j");
            screen = tmux.WaitFor(s => HeatmapTitle(s) != title, s_screenTimeout);
            Assert.NotEqual(title, HeatmapTitle(screen));
            tmux.SendKeys("q");
            Assert.True(SpinWait.SpinUntil(() => tmux.Exited, s_screenTimeout), $"top did not quit on q:\n{tmux.Capture()}");
        }
        finally
        {
            await traffic.CancelAsync();
            await load;
        }
    }

    [SkippableFact]
    public async Task NoColorGivesPlainTextWithDensityCharacters()
    {
        KernelTestGuard.Require();
        using AgentProcess agent = AgentProcess.Start();
        Assert.True(await agent.WaitReadyAsync(TimeSpan.FromSeconds(20)), agent.Output);
        await using var server = new LoopbackEchoServer();
        await server.RoundTripsAsync(50);

        using var tmux = new TmuxSession(TopCommand($"--agent 127.0.0.1:{agent.Port} --interval 0.5"), 100, 30, new Dictionary<string, string> { ["TERM"] = "xterm", ["NO_COLOR"] = "1" });
        string screen = tmux.WaitFor(s => HeatmapRows(s).Any(r => r.Split('|', 2)[1].Trim().Length > 0), s_screenTimeout);
        Assert.True(HeatmapRows(screen).Any(r => r.Split('|', 2)[1].Trim().Length > 0), $"no plain heatmap cells:\n{screen}");
        Assert.DoesNotContain('█', screen);
        Assert.All(screen, c => Assert.True(char.IsAscii(c), $"non-ASCII '{c}' in plain mode:\n{screen}"));
        tmux.SendKeys("C-c");
        Assert.True(SpinWait.SpinUntil(() => tmux.Exited, s_screenTimeout), "top did not quit on Ctrl-C");
    }

    [SkippableFact]
    public void WithoutAnAgentTopSaysSoAndExits()
    {
        KernelTestGuard.Require();
        int port = AgentProcess.FreePort();
        using var tmux = new TmuxSession(TopCommand($"--agent 127.0.0.1:{port}"), 120, 10);
        Assert.True(SpinWait.SpinUntil(() => tmux.Exited, s_screenTimeout), "top kept running without an agent");
        Assert.Contains($"netscope top: no agent reachable at http://127.0.0.1:{port}: connection refused", tmux.CaptureAll());
    }

    private static string[] Lines(string screen) => screen.Split('\n');

    // "  server   80 17.4/s ..." or "▶ server ..." — the role and the port as the first two words.
    private static bool IsSeriesRow(string line, string role, string port)
    {
        string[] words = line.TrimStart('▶', '>', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 2 && words[0] == role && words[1] == port;
    }

    // Heatmap rows: a bucket label ("≤1.02ms", "<=1.02ms", ">67.1s") then a vertical bar.
    private static IEnumerable<string> HeatmapRows(string screen) =>
        Lines(screen).Where(l => l.Length > 10 && (l[9] == '│' || l[9] == '|') && l[..9].Trim() is ['≤' or '<' or '>', ..]);

    // The selected series as the heatmap's title names it ("Heatmap server 80 · p50 …" → "server 80"); the rest changes with the data.
    private static string HeatmapTitle(string screen)
    {
        string? line = Lines(screen).FirstOrDefault(l => l.Contains("Heatmap ", StringComparison.Ordinal));
        if (line is null)
        {
            return string.Empty;
        }

        string[] words = line[(line.IndexOf("Heatmap ", StringComparison.Ordinal) + 8)..].Split(' ');
        return words.Length >= 2 ? $"{words[0]} {words[1]}" : string.Empty;
    }
}
