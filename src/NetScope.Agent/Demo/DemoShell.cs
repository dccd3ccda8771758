using System.Diagnostics;

namespace NetScope.Agent.Demo;

/// <summary>A setup step of the demo failed; the message names the command and what it said.</summary>
internal sealed class DemoException(string message) : Exception(message);

/// <summary>Runs the `ip` commands the demo is built from, with their output captured.</summary>
internal static class DemoShell
{
    /// <summary>Runs <paramref name="file"/>; returns the exit code and both outputs.</summary>
    public static (int Code, string Output, string Error) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new DemoException($"cannot start {file}");
        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Trim());
    }

    /// <summary>Runs `ip ARGS`; throws <see cref="DemoException"/> naming the command when it fails.</summary>
    public static string Ip(params string[] arguments)
    {
        (int code, string output, string error) = Run("ip", arguments);
        if (code != 0)
        {
            throw new DemoException($"'ip {string.Join(' ', arguments)}' failed (exit {code}): {error}");
        }

        return output;
    }
}
