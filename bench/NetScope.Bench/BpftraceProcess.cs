using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace NetScope.Bench;

/// <summary>
/// bpftrace running a script for a benchmark: started and waited on until its probes are attached,
/// stopped with SIGINT (bpftrace then prints its maps), which proves the probes saw the load.
/// </summary>
internal sealed partial class BpftraceProcess : IDisposable
{
    private const int SigInt = 2;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly ManualResetEventSlim _attached = new();

    private BpftraceProcess(Process process) => _process = process;

    public static BpftraceProcess Start(string script)
    {
        var psi = new ProcessStartInfo("bpftrace")
        {
            ArgumentList = { script },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var bt = new BpftraceProcess(Process.Start(psi) ?? throw new InvalidOperationException("cannot start bpftrace"));
        bt._process.OutputDataReceived += (_, e) => bt.OnLine(e.Data);
        bt._process.ErrorDataReceived += (_, e) => bt.OnLine(e.Data);
        bt._process.BeginOutputReadLine();
        bt._process.BeginErrorReadLine();
        if (!bt._attached.Wait(TimeSpan.FromSeconds(60)))
        {
            bt.Dispose();
            throw new TimeoutException($"bpftrace {script} did not attach within 60 s: {bt.Output}");
        }
        Thread.Sleep(1000); // "Attaching N probes..." is printed just before the attach calls
        return bt;
    }

    /// <summary>The bpftrace process id (its CPU time is part of what it costs).</summary>
    public int Pid => _process.Id;

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Stops bpftrace and fails unless its printed maps include <paramref name="map"/> (the probes fired).</summary>
    public void StopAndCheck(string map)
    {
        _ = kill(_process.Id, SigInt);
        // bpftrace detaches, then prints every map; on this shared machine that once took over 30 s.
        if (!_process.WaitForExit(120_000))
        {
            throw new TimeoutException($"bpftrace did not exit within 120 s of SIGINT. Output so far: {Output}");
        }
        _process.WaitForExit(); // flushes the redirected output
        if (!Output.Contains(map + ":", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"bpftrace printed no {map}: its probes saw no traffic. Output: {Output}");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
        _process.Dispose();
        _attached.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        if (line.StartsWith("Attaching ", StringComparison.Ordinal))
        {
            _attached.Set();
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
