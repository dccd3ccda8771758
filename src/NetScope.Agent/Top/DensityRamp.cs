using Spectre.Console;

namespace NetScope.Agent.Top;

/// <summary>
/// Maps a heatmap cell's count to one of <see cref="Levels"/> levels on a log scale relative to the
/// largest cell shown (latency counts span orders of magnitude: a linear scale would show one hot band
/// and nothing else), then to a colour or, without colour, to a character of increasing density.
/// </summary>
internal static class DensityRamp
{
    public const int Levels = 8;

    /// <summary>Characters for levels 1..8 when there is no colour; an empty cell is a space.</summary>
    public const string PlainCharacters = ".:-=+*#@";

    /// <summary>The full block drawn in colour for every non-empty cell.</summary>
    public const char Block = '█';

    // xterm-256 palette: blue → cyan → green → yellow → orange → red. Spectre maps them down on 16-colour terminals.
    private static readonly Color[] s_colors =
    [
        Color.FromInt32(19), Color.FromInt32(27), Color.FromInt32(39), Color.FromInt32(48),
        Color.FromInt32(118), Color.FromInt32(226), Color.FromInt32(214), Color.FromInt32(196),
    ];

    /// <summary>0 for an empty cell, else 1..<see cref="Levels"/> (1 = one request, Levels = <paramref name="max"/>).</summary>
    public static int Level(ulong count, ulong max)
    {
        if (count == 0 || max == 0)
        {
            return 0;
        }

        if (max == 1 || count >= max)
        {
            return Levels;
        }

        double ratio = Math.Log(count) / Math.Log(max);
        return 1 + (int)Math.Floor(ratio * (Levels - 1));
    }

    public static Color ColorOf(int level) => s_colors[Math.Clamp(level, 1, Levels) - 1];

    public static char PlainCharacterOf(int level) => level == 0 ? ' ' : PlainCharacters[Math.Clamp(level, 1, Levels) - 1];
}
