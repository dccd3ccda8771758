using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Top;

/// <summary>
/// The part of one series' heatmap that fits a terminal: the newest <c>width</c> columns (time runs
/// left to right, newest at the right edge) and the latency buckets from just below the fastest to just
/// above the slowest request seen, slowest row first. When more buckets hold requests than there are
/// rows, the slow end is kept: the tail is what a latency view is for.
/// </summary>
/// <param name="BucketIndexes">The bucket shown on each row, top row first (highest latency).</param>
/// <param name="Cells">Counts per row (same order) and column (oldest first).</param>
/// <param name="MaxCount">The largest cell, for the colour ramp.</param>
/// <param name="DataColumns">How many of the columns hold data (the rest, on the left, predate the series).</param>
/// <param name="HiddenFasterRows">Buckets with requests below the bottom row, left out for lack of rows.</param>
internal sealed record HeatmapGrid(
    IReadOnlyList<int> BucketIndexes,
    ulong[][] Cells,
    ulong MaxCount,
    int DataColumns,
    int HiddenFasterRows)
{
    /// <summary>Rows shown at least, so a single busy bucket still reads as a band with its neighbours.</summary>
    public const int MinimumRows = 3;

    public int Width => Cells.Length == 0 ? 0 : Cells[0].Length;

    /// <summary>Builds the grid of <paramref name="detail"/>: <paramref name="width"/> columns, at most <paramref name="maxRows"/> rows.</summary>
    public static HeatmapGrid Build(HeatmapSeriesDetail detail, int width, int maxRows)
    {
        width = Math.Max(1, width);
        maxRows = Math.Max(1, maxRows);
        int buckets = detail.BucketUpperBoundsSeconds.Count + 1;
        IReadOnlyList<HeatmapColumn> columns = detail.Columns;
        int dataColumns = Math.Min(width, columns.Count);
        int firstColumn = columns.Count - dataColumns;
        int padding = width - dataColumns;

        int lowest = int.MaxValue, highest = -1;
        var busy = new bool[buckets];
        for (int c = firstColumn; c < columns.Count; c++)
        {
            IReadOnlyList<ulong> counts = columns[c].Counts;
            for (int b = 0; b < Math.Min(buckets, counts.Count); b++)
            {
                if (counts[b] != 0)
                {
                    busy[b] = true;
                    lowest = Math.Min(lowest, b);
                    highest = Math.Max(highest, b);
                }
            }
        }

        if (highest < 0)
        {
            return new HeatmapGrid([], [], 0, dataColumns, 0);
        }

        // One empty bucket of context on each side, and at least MinimumRows rows.
        int bottom = Math.Max(0, lowest - 1), top = Math.Min(buckets - 1, highest + 1);
        while (top - bottom + 1 < Math.Min(MinimumRows, buckets))
        {
            if (bottom > 0)
            {
                bottom--;
            }
            else
            {
                top++;
            }
        }

        int hidden = 0;
        if (top - bottom + 1 > maxRows)
        {
            int newBottom = top - maxRows + 1;
            hidden = busy.AsSpan(0, newBottom).Count(true);
            bottom = newBottom;
        }

        int rows = top - bottom + 1;
        var bucketIndexes = new int[rows];
        var cells = new ulong[rows][];
        ulong max = 0;
        for (int r = 0; r < rows; r++)
        {
            int bucket = top - r;
            bucketIndexes[r] = bucket;
            cells[r] = new ulong[width];
            for (int c = 0; c < dataColumns; c++)
            {
                IReadOnlyList<ulong> counts = columns[firstColumn + c].Counts;
                ulong count = bucket < counts.Count ? counts[bucket] : 0;
                cells[r][padding + c] = count;
                max = Math.Max(max, count);
            }
        }

        return new HeatmapGrid(bucketIndexes, cells, max, dataColumns, hidden);
    }
}
