using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NetScope.Agent.Top;

/// <summary>
/// Lays one <see cref="TopFrame"/> out for a terminal of a given size: header, series list, heatmap of
/// the selected series, flood panel. Pure (no I/O), so the layout is unit-tested with a test console;
/// the heatmap takes the lines the other parts leave.
/// </summary>
internal static class TopRenderer
{
    /// <summary>Bucket scale requested from the agent: 0 = ×2 per bucket, about 10 rows from 100 µs to 100 ms.</summary>
    public const int HeatmapScale = 0;

    /// <summary>Series rows listed at most, by terminal height (a quarter of it, 3 to 10); the list scrolls with the selection.</summary>
    public static int MaxSeriesRows(int height) => Math.Clamp(height / 4, 3, 10);

    public static IRenderable Render(TopFrame frame, int width, int height, TopStyle style)
    {
        var parts = new List<IRenderable> { Header(frame, style) };
        int used = 1;
        if (frame.Problem is not null)
        {
            parts.Add(new Markup($"[red]{Markup.Escape(frame.Problem)}[/]"));
            used++;
        }

        if (frame.Overview is null)
        {
            return new Rows(parts);
        }

        int seriesRows = Math.Clamp(frame.Overview.Series.Count, 1, MaxSeriesRows(height));
        parts.Add(Section("Series", style));
        parts.Add(SeriesTableRenderer.Render(frame.Overview.Series, frame.Selected, seriesRows, style));
        used += 1 + SeriesTableRenderer.Height(seriesRows);

        int floodLines = 1 + FloodPanelRenderer.Height(frame.Flood);
        int heatmapRows = Math.Max(HeatmapGrid.MinimumRows, height - used - floodLines - 1 - HeatmapRenderer.FooterLines);
        parts.Add(Section(HeatmapTitle(frame, style), style));
        if (frame.Detail is not null)
        {
            HeatmapGrid grid = HeatmapGrid.Build(frame.Detail, HeatmapRenderer.CellWidth(width), heatmapRows);
            parts.Add(HeatmapRenderer.Render(grid, frame.Detail, frame.Overview.IntervalSeconds, style));
        }
        else
        {
            parts.Add(new Markup("[grey] no series selected[/]"));
        }

        parts.Add(Section(FloodPanelRenderer.Title(frame.Flood, style), style));
        parts.Add(FloodPanelRenderer.Render(frame.Flood));
        return new Rows(parts);
    }

    private static Markup Header(TopFrame frame, TopStyle style)
    {
        string keys = style.Color ? "↑↓/j/k/Tab: series  q: quit" : "Up/Down/j/k/Tab: series  q: quit";
        string time = frame.Time.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        return new Markup($"[bold]NetScope top[/] {Markup.Escape(frame.Agent.GetLeftPart(UriPartial.Authority))} {time}  [grey]{Markup.Escape(keys)}[/]");
    }

    private static string HeatmapTitle(TopFrame frame, TopStyle style)
    {
        if (frame.Selected is not SeriesKey key)
        {
            return "Heatmap";
        }

        string title = $"Heatmap {key}";
        if (frame.Detail is { } detail)
        {
            string interval = TopFormat.Span(TimeSpan.FromSeconds(frame.Overview!.IntervalSeconds));
            title += $"{style.Separator}p50 {TopFormat.Percentile(detail.P50Seconds, style.Color)}{style.Separator}p99 {TopFormat.Percentile(detail.P99Seconds, style.Color)}{style.Separator}column = {interval}";
        }

        return title;
    }

    private static Rule Section(string title, TopStyle style) =>
        new Rule($"[bold]{Markup.Escape(title)}[/]") { Justification = Justify.Left, Border = style.Color ? BoxBorder.Square : BoxBorder.Ascii };
}
