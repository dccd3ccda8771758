using System.Globalization;

namespace NetScope.Agent.Top;

/// <summary>Short, fixed-culture number formats for the terminal view.</summary>
internal static class TopFormat
{
    /// <summary>A latency with three significant digits: 512µs, 1.02ms, 65.5ms, 1.05s (us without Unicode).</summary>
    public static string Seconds(double seconds, bool unicode)
    {
        (double value, string unit) = seconds switch
        {
            < 1e-3 => (seconds * 1e6, unicode ? "µs" : "us"),
            < 1 => (seconds * 1e3, "ms"),
            _ => (seconds, "s"),
        };
        return value.ToString("G3", CultureInfo.InvariantCulture) + unit;
    }

    /// <summary>A percentile, which the API reports as a bucket's upper bound ("p99 ≤ this"); "-" when there is none.</summary>
    public static string Percentile(double? seconds, bool unicode) =>
        seconds is double value ? (unicode ? "≤" : "<=") + Seconds(value, unicode) : "-";

    public static string Count(ulong count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Rate(double perSecond) => perSecond.ToString(perSecond < 10 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + "/s";

    /// <summary>A span of wall time: 45s, 5m, 2h30m.</summary>
    public static string Span(TimeSpan span) => span.TotalSeconds switch
    {
        < 120 => $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s",
        < 7200 => $"{span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)}m",
        _ => $"{(int)span.TotalHours}h{span.Minutes:00}m",
    };
}
