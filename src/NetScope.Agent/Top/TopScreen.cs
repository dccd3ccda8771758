using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NetScope.Agent.Top;

/// <summary>
/// Puts frames on the terminal. Full screen: the alternate screen, each frame drawn from the top-left
/// corner with every line cleared to its end and the rest of the screen cleared below, so a frame never
/// leaves pieces of the previous one, whatever the size did in between. Otherwise frames are appended.
/// </summary>
internal sealed class TopScreen(TextWriter output, TerminalMode mode, Func<string, string?> environment) : IDisposable
{
    private const string Escape = "\u001b[";
    private bool _entered;

    /// <summary>Renders <paramref name="renderable"/> for a <paramref name="width"/>-column terminal as text (with ANSI colours when <paramref name="style"/> has colour).</summary>
    public static string ToText(IRenderable renderable, int width, int height, TopStyle style, ColorSystemSupport colors)
    {
        var text = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = style.Color ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = style.Color ? colors : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(text),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = width;
        console.Profile.Height = height;
        console.Profile.Capabilities.Unicode = style.Color;
        console.Write(renderable);
        return text.ToString();
    }

    /// <summary>Colours the terminal claims: COLORTERM=truecolor/24bit, TERM=*256color, else the 16 standard ones.</summary>
    public static ColorSystemSupport ColorsOf(Func<string, string?> environment) =>
        environment("COLORTERM") is "truecolor" or "24bit" ? ColorSystemSupport.TrueColor
        : environment("TERM")?.Contains("256color", StringComparison.Ordinal) == true ? ColorSystemSupport.EightBit
        : ColorSystemSupport.Standard;

    public void Draw(IRenderable frame, int width, int height)
    {
        string text = ToText(frame, width, height, mode.Style, ColorsOf(environment));
        if (!mode.FullScreen)
        {
            output.Write(text);
            output.WriteLine();
            output.Flush();
            return;
        }

        if (!_entered)
        {
            // Alternate screen (the shell's screen comes back on exit), cursor hidden.
            output.Write(Escape + "?1049h" + Escape + "?25l");
            _entered = true;
        }

        string[] lines = text.TrimEnd('\n').Split('\n');
        var screen = new StringBuilder(Escape + "H");
        for (int i = 0; i < Math.Min(lines.Length, height); i++)
        {
            if (i > 0)
            {
                screen.Append("\r\n");
            }

            screen.Append(lines[i].TrimEnd('\r')).Append(Escape).Append('K');
        }

        screen.Append(Escape).Append('J');
        output.Write(screen.ToString());
        output.Flush();
    }

    /// <summary>Gives the terminal back: cursor shown, the shell's screen restored.</summary>
    public void Dispose()
    {
        if (_entered)
        {
            output.Write(Escape + "?25h" + Escape + "?1049l");
            output.Flush();
            _entered = false;
        }
    }
}
