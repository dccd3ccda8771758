using System.Diagnostics;

namespace NetScope.Bench;

/// <summary>
/// bench/probe_loader holding bench/empty_probe.bpf.o's do-nothing programs attached to the hooks NetScope's
/// send/recv programs use: the probe-overhead benchmark's floor (what the hook alone costs).
/// </summary>
internal sealed class EmptyProbeProcess : IDisposable
{
    private readonly Process _process;

    private EmptyProbeProcess(Process process) => _process = process;

    /// <summary>Starts the loader and returns once it says its programs are attached.</summary>
    public static EmptyProbeProcess Start(string loader, string obj)
    {
        var psi = new ProcessStartInfo(loader) { ArgumentList = { obj }, RedirectStandardOutput = true };
        var probe = new EmptyProbeProcess(Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {loader}"));
        string? line = probe._process.StandardOutput.ReadLine();
        if (line != "attached")
        {
            probe.Dispose();
            throw new InvalidOperationException($"{loader} {obj} did not attach its programs (exit code {(probe._process.HasExited ? probe._process.ExitCode : -1)})");
        }

        return probe;
    }

    /// <summary>The loader's process id (its CPU time counts with the load's, as the agent's does).</summary>
    public int Pid => _process.Id;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
