using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace NetScope.Kernel.Tests;

/// <summary>A `netscope` agent process started from the test output (netscope.dll), with its output captured.</summary>
internal sealed partial class AgentProcess : IDisposable
{
    public const int Sigterm = 15;
    public const int Sighup = 1;
    public const int Sigkill = 9;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AgentProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts `netscope run --listen 127.0.0.1:PORT --config FILE` plus <paramref name="extraArgs"/>; the config
    /// holds <paramref name="configYaml"/> (by default XDP off, so tests never touch the host's interfaces).
    /// </summary>
    public static AgentProcess Start(string configYaml = "interfaces: []\n", params string[] extraArgs) =>
        StartWrapped([], configYaml, extraArgs);

    /// <summary>As <see cref="Start"/>, run through <paramref name="wrapper"/> (e.g. setpriv ... --).</summary>
    public static AgentProcess StartWrapped(string[] wrapper, string configYaml, params string[] extraArgs)
    {
        int port = FreePort();
        string config = Path.Combine(Path.GetTempPath(), $"netscope-test-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(config, configYaml);
        extraArgs = ["--config", config, .. extraArgs];
        string[] command = [.. wrapper, "dotnet", Path.Combine(AppContext.BaseDirectory, "netscope.dll"), "run", "--listen", $"127.0.0.1:{port}", .. extraArgs];
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in command[1..])
        {
            start.ArgumentList.Add(arg);
        }

        var agent = new AgentProcess(Process.Start(start)!, port);
        agent._process.OutputDataReceived += (_, e) => agent.Append(e.Data);
        agent._process.ErrorDataReceived += (_, e) => agent.Append(e.Data);
        agent._process.BeginOutputReadLine();
        agent._process.BeginErrorReadLine();
        return agent;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until /readyz answers 200; false when the process exits or the time runs out.</summary>
    public async Task<bool> WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !_process.HasExited)
        {
            try
            {
                using HttpResponseMessage response = await http.GetAsync($"http://127.0.0.1:{Port}/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        return false;
    }

    public void Signal(int signal) => Assert.Equal(0, Kill(_process.Id, signal));

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
