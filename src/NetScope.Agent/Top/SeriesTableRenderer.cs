using NetScope.Exporters.Abstractions;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NetScope.Agent.Top;

/// <summary>The latency series with rate, p50, p99 and requests; the selected one marked and bold.</summary>
internal static class SeriesTableRenderer
{
    /// <summary>Lines the table takes for <paramref name="rows"/> series rows (header included).</summary>
    public static int Height(int rows) => 1 + Math.Max(1, rows);

    /// <summary>Renders at most <paramref name="maxRows"/> series, a window that keeps the selection visible.</summary>
    public static IRenderable Render(IReadOnlyList<HeatmapSeriesSummary> series, SeriesKey? selected, int maxRows, TopStyle style)
    {
        var table = new Table().Border(TableBorder.None).HideRowSeparators();
        table.AddColumn(new TableColumn(string.Empty).PadLeft(0).PadRight(0));
        table.AddColumn(new TableColumn("[bold]role[/]"));
        table.AddColumn(new TableColumn("[bold]port[/]").RightAligned());
        table.AddColumn(new TableColumn("[bold]rate[/]").RightAligned());
        table.AddColumn(new TableColumn("[bold]p50[/]").RightAligned());
        table.AddColumn(new TableColumn("[bold]p99[/]").RightAligned());
        table.AddColumn(new TableColumn("[bold]requests[/]").RightAligned());
        if (series.Count == 0)
        {
            table.AddRow(string.Empty, "[grey]none yet: the agent has not seen a TCP request[/]", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
            return table;
        }

        int index = selected is SeriesKey key ? Math.Max(0, IndexOf(series, key)) : 0;
        int rows = Math.Clamp(maxRows, 1, series.Count);
        int first = Math.Clamp(index - (rows / 2), 0, series.Count - rows);
        for (int i = first; i < first + rows; i++)
        {
            HeatmapSeriesSummary s = series[i];
            bool isSelected = selected is SeriesKey k && SeriesKey.Of(s) == k;
            string open = isSelected ? "[bold]" : string.Empty, close = isSelected ? "[/]" : string.Empty;
            string marker = isSelected ? (style.Color ? "[bold]▶[/]" : ">") : " ";
            table.AddRow(
                marker,
                open + Markup.Escape(s.Role) + close,
                open + Markup.Escape(s.Port) + close,
                TopFormat.Rate(s.RatePerSecond),
                TopFormat.Percentile(s.P50Seconds, style.Color),
                TopFormat.Percentile(s.P99Seconds, style.Color),
                TopFormat.Count(s.Count));
        }

        return table;
    }

    /// <summary>The position of <paramref name="key"/> in <paramref name="series"/>, or -1.</summary>
    public static int IndexOf(IReadOnlyList<HeatmapSeriesSummary> series, SeriesKey key)
    {
        for (int i = 0; i < series.Count; i++)
        {
            if (SeriesKey.Of(series[i]) == key)
            {
                return i;
            }
        }

        return -1;
    }
}
