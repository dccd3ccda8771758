namespace NetScope.Agent.Top;

/// <summary>
/// What the terminal allows: colour (with Unicode blocks) or plain text, and whether `top` may take the
/// screen (alternate screen, redraw in place, keys) or must print frames one after another.
/// </summary>
/// <param name="Style">Colour or plain.</param>
/// <param name="FullScreen">Redraw in place on the alternate screen; otherwise append frames.</param>
/// <param name="ReadKeys">Keys can be read (standard input is a terminal).</param>
internal readonly record struct TerminalMode(TopStyle Style, bool FullScreen, bool ReadKeys)
{
    /// <summary>
    /// Decides from the environment: NO_COLOR (any value, no-color.org), TERM=dumb or unset, output not a
    /// terminal, or --plain mean plain text; full screen needs a terminal that is not dumb.
    /// </summary>
    public static TerminalMode Detect(Func<string, string?> environment, bool outputRedirected, bool inputRedirected, bool plain, bool once)
    {
        string? term = environment("TERM");
        bool dumb = string.IsNullOrEmpty(term) || term == "dumb";
        bool noColor = !string.IsNullOrEmpty(environment("NO_COLOR"));
        bool color = !plain && !noColor && !dumb && !outputRedirected;
        bool fullScreen = !once && !dumb && !outputRedirected;
        return new TerminalMode(new TopStyle(color), fullScreen, fullScreen && !inputRedirected);
    }
}
