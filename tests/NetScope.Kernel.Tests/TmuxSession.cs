using System.Diagnostics;

namespace NetScope.Kernel.Tests;

/// <summary>
/// A command running in a detached tmux session on a private tmux server (-L), so tests read the
/// terminal exactly as a person would see it (capture-pane) and type into it (send-keys), and never
/// touch the user's own tmux. UTF-8 is forced (-u) so block characters survive.
/// </summary>
internal sealed class TmuxSession : IDisposable
{
    private readonly string _socket = $"netscope-test-{Guid.NewGuid():N}";
    private readonly string _config = Path.Combine(Path.GetTempPath(), $"netscope-tmux-{Guid.NewGuid():N}.conf");

    /// <summary>Starts <paramref name="command"/> (a shell command line) in a <paramref name="width"/>×<paramref name="height"/> pane.</summary>
    public TmuxSession(string command, int width, int height, IReadOnlyDictionary<string, string>? environment = null)
    {
        var arguments = new List<string> { "new-session", "-d", "-s", "test", "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            arguments.AddRange(["-e", $"{name}={value}"]);
        }

        arguments.Add(command);
        // Keep the pane after the command exits, so its last words can still be captured; set before the
        // session starts (a command that fails at once would otherwise take the session with it).
        File.WriteAllText(_config, "set-option -g remain-on-exit on\n");
        Tmux([.. arguments]);
    }

    /// <summary>The visible screen as text, one line per row.</summary>
    public string Capture() => Tmux("capture-pane", "-p", "-t", "test").Output;

    /// <summary>Everything the pane printed, scrolled-off lines included, wrapped lines joined (for plain output).</summary>
    public string CaptureAll() => Tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "test").Output;

    public void SendKeys(params string[] keys) => Tmux(["send-keys", "-t", "test", .. keys]);

    /// <summary>Whether the command in the pane has exited.</summary>
    public bool Exited => Tmux("display-message", "-p", "-t", "test", "#{pane_dead}").Output.Trim() == "1";

    /// <summary>Polls the screen until <paramref name="condition"/> holds; returns the last capture.</summary>
    public string WaitFor(Func<string, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string screen = Capture();
        while (!condition(screen) && clock.Elapsed < timeout)
        {
            Thread.Sleep(200);
            screen = Capture();
        }

        return screen;
    }

    public void Dispose()
    {
        Tmux("kill-server");
        File.Delete(_config);
    }

    private (int Code, string Output) Tmux(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { "-u", "-L", _socket, "-f", _config }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && arguments[0] is not ("kill-server" or "display-message"))
        {
            Assert.Fail($"tmux {string.Join(' ', arguments)} failed: {error}");
        }

        return (process.ExitCode, output.Result);
    }
}
