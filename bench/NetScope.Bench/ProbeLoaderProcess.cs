using System.Diagnostics;

namespace NetScope.Bench;

/// <summary>
/// bench/probe_loader holding a bench object's programs attached: the probe-overhead benchmark's yardsticks on
/// the hooks NetScope's send/recv programs use (bench/empty_probe.bpf.c, what the hook alone costs, and
/// bench/minimal_probe.bpf.c, the least a per-socket latency probe does).
/// </summary>
internal sealed class ProbeLoaderProcess : IDisposable
{
    private readonly Process _process;

    private ProbeLoaderProcess(Process process) => _process = process;

    /// <summary>Starts the loader and returns once it says its programs are attached.</summary>
    public static ProbeLoaderProcess Start(string loader, string obj)
    {
        var psi = new ProcessStartInfo(loader) { ArgumentList = { obj }, RedirectStandardOutput = true };
        var probe = new ProbeLoaderProcess(Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {loader}"));
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
