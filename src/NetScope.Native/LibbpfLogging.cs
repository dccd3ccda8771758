using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace NetScope.Native;

/// <summary>Routes libbpf's print callback to an <see cref="ILogger"/> (process-wide, like libbpf's).</summary>
public static unsafe class LibbpfLogging
{
    private static ILogger? s_logger;

    [ThreadStatic]
    private static bool t_downgraded;

    [ThreadStatic]
    private static string? t_firstFailure;

    /// <summary>
    /// The first libbpf warning on this thread that reported a failure since <see cref="DowngradeWarnings"/>
    /// began (e.g. "prog 'x': BPF program load failed: Operation not permitted"); explains refusals.
    /// </summary>
    public static string? FirstFailure => t_firstFailure;

    /// <summary>
    /// Logs libbpf's warnings at Debug on this thread until disposed: expected failures (trying a rung the
    /// kernel refuses) would otherwise print verifier dumps as warnings. The refusal is reported anyway.
    /// </summary>
    public static IDisposable DowngradeWarnings()
    {
        bool previous = t_downgraded;
        t_downgraded = true;
        t_firstFailure = null;
        return new Restore(previous);
    }

    private sealed class Restore(bool previous) : IDisposable
    {
        public void Dispose() => t_downgraded = previous;
    }

    /// <summary>Sends libbpf's messages to <paramref name="logger"/>: WARN→Warning, INFO→Information, DEBUG→Debug.</summary>
    public static void Install(ILogger logger)
    {
        s_logger = logger;
        Interop.libbpf_set_print(&Print);
    }

    /// <summary>Maps a libbpf print level to a log level.</summary>
    public static LogLevel ToLogLevel(int libbpfLevel) => libbpfLevel switch
    {
        Interop.LIBBPF_WARN => LogLevel.Warning,
        Interop.LIBBPF_INFO => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    [UnmanagedCallersOnly]
    private static int Print(int level, byte* format, nint args)
    {
        ILogger? logger = s_logger;
        LogLevel logLevel = t_downgraded ? LogLevel.Debug : ToLogLevel(level);
        bool capture = t_downgraded && level == Interop.LIBBPF_WARN && t_firstFailure is null;
        if (!capture && (logger is null || !logger.IsEnabled(logLevel)))
        {
            return 0;
        }

        // va_list can be consumed once, so format once into a generous buffer (longer lines are cut).
        const int Size = 4096;
        byte* buffer = stackalloc byte[Size];
        int written = Interop.vsnprintf(buffer, Size, format, args);
        if (written < 0)
        {
            return 0;
        }

        string text = Encoding.UTF8.GetString(buffer, Math.Min(written, Size - 1)).TrimEnd('\n');
        if (capture && text.Contains("failed", StringComparison.Ordinal))
        {
            t_firstFailure = text.StartsWith("libbpf: ", StringComparison.Ordinal) ? text[8..] : text;
        }

        logger?.Log(logLevel, "libbpf: {Message}", text);
        return 0;
    }
}
