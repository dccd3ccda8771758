using System.Text;
using NetScope.Exporters.Abstractions;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NetScope.Agent.Top;

/// <summary>
/// Draws a <see cref="HeatmapGrid"/>: one row per latency bucket labelled with its upper bound, one
/// character per column, colour (or, in plain text, character density) by count; a time axis; a legend.
/// </summary>
internal static class HeatmapRenderer
{
    /// <summary>Lines the renderer adds below the rows (time axis and legend).</summary>
    public const int FooterLines = 2;

    /// <summary>Width of the bucket labels ("≤65.5ms", ">67.1s").</summary>
    public const int LabelWidth = 8;

    /// <summary>Columns left for cells in a terminal <paramref name="width"/> wide.</summary>
    public static int CellWidth(int width) => Math.Max(1, width - LabelWidth - 2);

    public static IRenderable Render(HeatmapGrid grid, HeatmapSeriesDetail detail, double intervalSeconds, TopStyle style)
    {
        var lines = new List<IRenderable>();
        if (grid.BucketIndexes.Count == 0)
        {
            lines.Add(new Markup($"[grey]{Markup.Escape(" no requests in the window yet: the heatmap fills as the series sees traffic")}[/]"));
            return new Rows(lines);
        }

        IReadOnlyList<double> bounds = detail.BucketUpperBoundsSeconds;
        char vertical = style.Color ? '│' : '|';
        for (int r = 0; r < grid.BucketIndexes.Count; r++)
        {
            string label = BucketLabel(grid.BucketIndexes[r], bounds, style.Color).PadLeft(LabelWidth);
            lines.Add(new Markup($"[grey]{Markup.Escape(label)} {vertical}[/]{Cells(grid.Cells[r], grid.MaxCount, style)}"));
        }

        lines.Add(new Markup($"[grey]{Markup.Escape(Axis(grid, intervalSeconds, style))}[/]"));
        lines.Add(new Markup(Legend(grid, style)));
        return new Rows(lines);
    }

    /// <summary>"≤65.5ms" for a finite bucket, ">67.1s" for the +Inf bucket.</summary>
    public static string BucketLabel(int bucket, IReadOnlyList<double> bounds, bool unicode) =>
        bucket < bounds.Count
            ? (unicode ? "≤" : "<=") + TopFormat.Seconds(bounds[bucket], unicode)
            : ">" + TopFormat.Seconds(bounds[^1], unicode);

    private static string Cells(ulong[] row, ulong max, TopStyle style)
    {
        var markup = new StringBuilder();
        int start = 0;
        while (start < row.Length)
        {
            int level = DensityRamp.Level(row[start], max);
            int end = start;
            while (end < row.Length && DensityRamp.Level(row[end], max) == level)
            {
                end++;
            }

            int run = end - start;
            if (level == 0)
            {
                markup.Append(' ', run);
            }
            else if (style.Color)
            {
                markup.Append('[').Append(DensityRamp.ColorOf(level).ToMarkup()).Append(']').Append(DensityRamp.Block, run).Append("[/]");
            }
            else
            {
                markup.Append(DensityRamp.PlainCharacterOf(level), run);
            }

            start = end;
        }

        return markup.ToString();
    }

    // The time axis under the cells: "└─-68s──────now" (the data starts where the series does).
    private static string Axis(HeatmapGrid grid, double intervalSeconds, TopStyle style)
    {
        string dash = style.Color ? "─" : "-";
        string oldest = grid.DataColumns == 0 ? string.Empty : "-" + TopFormat.Span(TimeSpan.FromSeconds(grid.DataColumns * intervalSeconds));
        var axis = new StringBuilder(new string(' ', LabelWidth)).Append(' ').Append(style.Color ? "└" : "+");
        int before = grid.Width - grid.DataColumns;
        axis.Insert(axis.Length, dash, before);
        int fill = grid.DataColumns - oldest.Length - 3;
        if (fill >= 1)
        {
            axis.Append(oldest).Insert(axis.Length, dash, fill).Append("now");
        }
        else
        {
            axis.Insert(axis.Length, dash, grid.DataColumns);
        }

        return axis.ToString();
    }

    // What the lightest and the darkest cells count.
    private static string Legend(HeatmapGrid grid, TopStyle style)
    {
        var ramp = new StringBuilder();
        for (int level = 1; level <= DensityRamp.Levels; level++)
        {
            ramp.Append(style.Color
                ? $"[{DensityRamp.ColorOf(level).ToMarkup()}]{DensityRamp.Block}[/]"
                : Markup.Escape(DensityRamp.PlainCharacterOf(level).ToString()));
        }

        string hidden = grid.HiddenFasterRows > 0 ? $"  (+{grid.HiddenFasterRows} faster below)" : string.Empty;
        return $"{new string(' ', LabelWidth + 2)}requests per cell: 1 {ramp} {TopFormat.Count(grid.MaxCount)}[grey]{Markup.Escape(hidden)}[/]";
    }
}
