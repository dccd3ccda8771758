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
    /// The busiest series (most requests in the window): what `top` shows until a key picks another.
    /// On a tie the current selection stays, so the view does not jump between equal series.
    /// </summary>
    public static SeriesKey? Busiest(IReadOnlyList<HeatmapSeriesSummary> series, SeriesKey? current)
    {
        if (series.Count == 0)
        {
            return null;
        }

        ulong most = series.Max(s => s.Count);
        return series.Any(s => SeriesKey.Of(s) == current && s.Count == most) ? current : SeriesKey.Of(series.First(s => s.Count == most));
    }

    /// <summary>
    /// The series selected after <paramref name="action"/>, wrapping at the ends. Without a selection (or
    /// when the selected series vanished) the busiest series is chosen.
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
            return Busiest(series, null);
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
