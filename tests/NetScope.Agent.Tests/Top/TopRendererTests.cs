using NetScope.Agent.Top;
using Spectre.Console;
using Spectre.Console.Testing;
using static NetScope.Agent.Tests.Top.TopFixtures;

namespace NetScope.Agent.Tests.Top;

public class TopRendererTests
{
    private static string[] Render(TopFrame frame, TopStyle style, int width = 100, int height = 40)
    {
        var console = new TestConsole().Width(width).Height(height).Colors(style.Color ? ColorSystem.TrueColor : ColorSystem.NoColors);
        console.Profile.Capabilities.Unicode = style.Color;
        console.Write(TopRenderer.Render(frame, width, height, style));
        return console.Output.TrimEnd('\n').Split('\n');
    }

    private static string Row(string[] lines, string label) => Assert.Single(lines, l => l.StartsWith(label.PadLeft(HeatmapRenderer.LabelWidth) + " ", StringComparison.Ordinal));

    [Fact]
    public void PlainFrameShowsSeriesSelectionHeatmapAndFlood()
    {
        string[] lines = Render(Frame(), TopStyle.Plain);
        string text = string.Join('\n', lines);
        Assert.Contains(lines, l => l.StartsWith(">server", StringComparison.Ordinal) && l.Contains("5,210", StringComparison.Ordinal) && l.Contains("<=128us", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(" client", StringComparison.Ordinal));
        Assert.Contains("Heatmap server 80 | p50 <=128us | p99 <=65.5ms | column = 1s", text);

        // Columns 1..3 at the right edge; 500 is the maximum (densest), 5 and 1 light.
        Assert.EndsWith(":@ ", Row(lines, "<=128us"));
        Assert.EndsWith(" @ ", Row(lines, "<=65.5ms"));
        Assert.EndsWith("  .", Row(lines, "<=1.05s"));
        Assert.Contains("requests per cell: 1 .:-=+*#@ 500", text);

        Assert.Contains("Flood filter | generation 3 | vsrv attached", text);
        Assert.Contains(lines, l => l.Contains("get-flood", StringComparison.Ordinal) && l.Contains("1,520", StringComparison.Ordinal) && l.Contains("480", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("10.77.9.3", StringComparison.Ordinal) && l.Contains("blocked", StringComparison.Ordinal) && l.Contains("7.2s", StringComparison.Ordinal) && l.Contains("913", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(l.Length <= 100, $"too wide: {l}"));
        Assert.All(lines, l => Assert.True(l.All(char.IsAscii), $"not ASCII: {l}"));
    }

    [Fact]
    public void ColourFrameDrawsBlocksInsteadOfDensityCharacters()
    {
        string[] lines = Render(Frame(), TopStyle.Colored);
        Assert.EndsWith("██ ", Row(lines, "≤128µs").TrimEnd('\r'));
        Assert.DoesNotContain('@', Row(lines, "≤128µs"));
        Assert.Contains(lines, l => l.StartsWith('▶') && l.Contains("server", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(80, 24)]
    [InlineData(100, 40)]
    [InlineData(200, 60)]
    public void TheFrameFitsTheTerminal(int width, int height)
    {
        string[] lines = Render(Frame(), TopStyle.Plain, width, height);
        Assert.True(lines.Length <= height, $"{lines.Length} lines for a {height}-line terminal:\n{string.Join('\n', lines)}");
        Assert.All(lines, l => Assert.True(l.Length <= width, $"too wide: {l}"));
    }

    [Fact]
    public void AReadProblemIsShownAboveTheLastData()
    {
        string[] lines = Render(Frame(problem: "no agent reachable at http://127.0.0.1:9745: connection refused; retrying"), TopStyle.Plain);
        Assert.StartsWith("no agent reachable", lines[1]);
        Assert.Contains(lines, l => l.StartsWith(">server", StringComparison.Ordinal));
    }

    [Fact]
    public void EmptyAgentSaysWhatIsMissing()
    {
        TopFrame frame = new(TopFixtures.Agent, DateTimeOffset.UnixEpoch, Overview(), null, null, new(0, [], []), null);
        string text = string.Join('\n', Render(frame, TopStyle.Plain));
        Assert.Contains("none yet", text);
        Assert.Contains("no series selected", text);
        Assert.Contains("no rules", text);
    }

    [Fact]
    public void ASeriesWithoutRequestsSaysTheHeatmapIsEmpty()
    {
        string text = string.Join('\n', Render(Frame(detail: Detail(Column(1, 0, 3))), TopStyle.Plain));
        Assert.Contains("no requests in the window yet", text);
    }
}
