using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using NetScope.Agent.Hosting;

namespace NetScope.Agent.Top;

/// <summary>
/// `netscope top`: reads the agent every --interval and redraws; keys switch the series or quit. The
/// first read decides: no agent (or a refusing one) is a clear one-line error and exit 1, never an
/// empty screen.
/// </summary>
internal static class TopCommand
{
    private static readonly TimeSpan s_keyPoll = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(TopVerb verb, TextWriter output, TextWriter errors)
    {
        Func<string, string?> environment = Environment.GetEnvironmentVariable;
        if (!TopSettings.TryCreate(verb, environment, out TopSettings? settings, out string? error))
        {
            await errors.WriteLineAsync($"netscope top: {error}");
            return 2;
        }

        AgentApiClient client;
        try
        {
            client = new AgentApiClient(settings);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            await errors.WriteLineAsync($"netscope top: reading --ca-file/--cert-file/--key-file failed: {ex.Message}");
            return 2;
        }

        using (client)
        {
            var session = new TopSession(client, settings.Agent);
            try
            {
                await session.RefreshAsync(CancellationToken.None);
            }
            catch (AgentApiException ex)
            {
                await errors.WriteLineAsync($"netscope top: {ex.Message}");
                return 1;
            }

            TerminalMode mode = TerminalMode.Detect(environment, Console.IsOutputRedirected, Console.IsInputRedirected, settings.Plain, settings.Once);
            using var screen = new TopScreen(output, mode, environment);
            if (settings.Once)
            {
                (int width, int height) = Size(mode, environment);
                screen.Draw(TopRenderer.Render(session.Frame, width, height, mode.Style), width, height);
                return 0;
            }

            using var quit = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                quit.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            using PosixSignalRegistration onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                quit.Cancel();
            });
            try
            {
                await LoopAsync(session, screen, mode, settings.Interval, environment, quit.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }

            return 0;
        }
    }

    private static async Task LoopAsync(TopSession session, TopScreen screen, TerminalMode mode, TimeSpan interval, Func<string, string?> environment, CancellationToken quit)
    {
        ChannelReader<ConsoleKeyInfo>? keys = mode.ReadKeys ? StartKeyReader() : null;
        while (!quit.IsCancellationRequested)
        {
            (int width, int height) size = Size(mode, environment);
            screen.Draw(TopRenderer.Render(session.Frame, size.width, size.height, mode.Style), size.width, size.height);
            DateTime next = DateTime.UtcNow + interval;
            while (!quit.IsCancellationRequested && DateTime.UtcNow < next)
            {
                TimeSpan left = next - DateTime.UtcNow;
                bool redraw = false;
                if (keys is not null && await WaitForKeyAsync(keys, left < s_keyPoll ? left : s_keyPoll, quit))
                {
                    while (keys.TryRead(out ConsoleKeyInfo key))
                    {
                        TopAction action = TopKeys.Map(key);
                        if (action == TopAction.Quit)
                        {
                            return;
                        }

                        redraw |= action != TopAction.None && await session.SelectAsync(action, quit);
                    }
                }
                else if (keys is null)
                {
                    await DelayAsync(left < s_keyPoll ? left : s_keyPoll, quit);
                }

                // Resize-safe: a new size redraws at once from the data already read.
                if (redraw || Size(mode, environment) != size)
                {
                    size = Size(mode, environment);
                    screen.Draw(TopRenderer.Render(session.Frame, size.width, size.height, mode.Style), size.width, size.height);
                }
            }

            if (!quit.IsCancellationRequested)
            {
                await session.RefreshOrReportAsync(quit);
            }
        }
    }

    // Console.ReadKey blocks: it runs on a background thread that dies with the process.
    private static ChannelReader<ConsoleKeyInfo> StartKeyReader()
    {
        var channel = Channel.CreateUnbounded<ConsoleKeyInfo>();
        var reader = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    channel.Writer.TryWrite(Console.ReadKey(intercept: true));
                }
            }
            catch (InvalidOperationException)
            {
                // Standard input went away: no more keys; Ctrl-C and SIGTERM still quit.
            }
        })
        {
            IsBackground = true,
            Name = "netscope-top-keys",
        };
        reader.Start();
        return channel.Reader;
    }

    private static async Task<bool> WaitForKeyAsync(ChannelReader<ConsoleKeyInfo> keys, TimeSpan timeout, CancellationToken quit)
    {
        using var slice = CancellationTokenSource.CreateLinkedTokenSource(quit);
        slice.CancelAfter(timeout);
        try
        {
            return await keys.WaitToReadAsync(slice.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken quit)
    {
        try
        {
            await Task.Delay(delay, quit);
        }
        catch (OperationCanceledException)
        {
        }
    }

    // The terminal's size when drawing full screen (one column spare: a full last column would wrap on
    // some terminals); otherwise COLUMNS/LINES or 100×40.
    private static (int Width, int Height) Size(TerminalMode mode, Func<string, string?> environment)
    {
        if (mode.FullScreen)
        {
            try
            {
                return (Math.Max(20, Console.WindowWidth - 1), Math.Max(5, Console.WindowHeight));
            }
            catch (IOException)
            {
            }
        }

        return (Number(environment("COLUMNS"), 100), Number(environment("LINES"), 40));
    }

    private static int Number(string? text, int fallback) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value) && value >= 20 ? value : fallback;
}
