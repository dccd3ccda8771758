using NetScope.Agent.Top;

namespace NetScope.Agent.Tests.Top;

public class TerminalModeTests
{
    private static Func<string, string?> Env(string? term, string? noColor = null) =>
        name => name switch { "TERM" => term, "NO_COLOR" => noColor, _ => null };

    [Fact]
    public void AColourTerminalGetsColourFullScreenAndKeys() =>
        Assert.Equal(new TerminalMode(TopStyle.Colored, true, true), TerminalMode.Detect(Env("tmux-256color"), false, false, plain: false, once: false));

    [Fact]
    public void NoColorKeepsFullScreenButDropsColour() =>
        Assert.Equal(new TerminalMode(TopStyle.Plain, true, true), TerminalMode.Detect(Env("xterm", "1"), false, false, plain: false, once: false));

    [Theory]
    [InlineData("dumb")]
    [InlineData(null)]
    public void ADumbTerminalGetsPlainFramesOneAfterAnother(string? term) =>
        Assert.Equal(new TerminalMode(TopStyle.Plain, false, false), TerminalMode.Detect(Env(term), false, false, plain: false, once: false));

    [Fact]
    public void RedirectedOutputIsPlain() =>
        Assert.Equal(new TerminalMode(TopStyle.Plain, false, false), TerminalMode.Detect(Env("xterm"), true, false, plain: false, once: false));

    [Fact]
    public void OnceNeverTakesTheScreen() =>
        Assert.False(TerminalMode.Detect(Env("xterm"), false, false, plain: false, once: true).FullScreen);
}
