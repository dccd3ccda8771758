using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Top;

/// <summary>What a key press asks for.</summary>
internal enum TopAction
{
    None,
    NextSeries,
    PreviousSeries,
    Quit,
}

/// <summary>Keys of `netscope top`: no mouse, nothing a terminal multiplexer or SSH would swallow.</summary>
internal static class TopKeys
{
    public static TopAction Map(ConsoleKeyInfo key) => key switch
    {
        { Key: ConsoleKey.DownArrow } or { KeyChar: 'j' } => TopAction.NextSeries,
        { Key: ConsoleKey.Tab, Modifiers: ConsoleModifiers.Shift } => TopAction.PreviousSeries,
        { Key: ConsoleKey.Tab } => TopAction.NextSeries,
        { Key: ConsoleKey.UpArrow } or { KeyChar: 'k' } => TopAction.PreviousSeries,
        { KeyChar: 'q' or 'Q' } => TopAction.Quit,
        { Key: ConsoleKey.C, Modifiers: ConsoleModifiers.Control } => TopAction.Quit,
        _ => TopAction.None,
    };

    /// <summary>
    /// The series selected after <paramref name="action"/>, wrapping at the ends. Without a selection (or
    /// when the selected series vanished) the busiest series is chosen: the one worth looking at first.
    /// </summary>
    public static SeriesKey? Select(IReadOnlyList<HeatmapSeriesSummary> series, SeriesKey? current, TopAction action)
    {
        if (series.Count == 0)
        {
            return null;
        }

        int index = current is SeriesKey key ? SeriesTableRenderer.IndexOf(series, key) : -1;
        if (index < 0)
        {
            return SeriesKey.Of(series.MaxBy(s => s.Count)!);
        }

        index = action switch
        {
            TopAction.NextSeries => (index + 1) % series.Count,
            TopAction.PreviousSeries => (index - 1 + series.Count) % series.Count,
            _ => index,
        };
        return SeriesKey.Of(series[index]);
    }
}
