using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Top;

/// <summary>A heatmap series' identity, as the API names it.</summary>
/// <param name="Role">"server" or "client".</param>
/// <param name="Port">The port label.</param>
internal readonly record struct SeriesKey(string Role, string Port)
{
    public static SeriesKey Of(HeatmapSeriesSummary series) => new(series.Role, series.Port);

    public override string ToString() => $"{Role} {Port}";
}

/// <summary>Everything one screen of `netscope top` shows: what the agent answered, and what went wrong.</summary>
/// <param name="Agent">The agent's base URI, for the header.</param>
/// <param name="Time">When the data was read.</param>
/// <param name="Overview">The series list; null before the first successful read.</param>
/// <param name="Selected">The series whose heatmap is shown, or null when there is none.</param>
/// <param name="Detail">The selected series' columns (scale <see cref="TopRenderer.HeatmapScale"/>), or null.</param>
/// <param name="Flood">The flood filter's state, or null when it could not be read.</param>
/// <param name="Problem">The last read's error (the data shown is then older), or null.</param>
internal sealed record TopFrame(
    Uri Agent,
    DateTimeOffset Time,
    HeatmapOverview? Overview,
    SeriesKey? Selected,
    HeatmapSeriesDetail? Detail,
    FloodSnapshot? Flood,
    string? Problem);

/// <summary>How the terminal can show it.</summary>
/// <param name="Color">Colour ramp and Unicode blocks; otherwise plain ASCII with characters by density.</param>
internal readonly record struct TopStyle(bool Color)
{
    public static TopStyle Plain => new(false);

    public static TopStyle Colored => new(true);

    /// <summary>Between the parts of a title: a middle dot, or an ASCII bar in plain text.</summary>
    public string Separator => Color ? " · " : " | ";
}
