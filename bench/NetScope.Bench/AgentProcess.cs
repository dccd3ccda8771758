using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace NetScope.Bench;

/// <summary>Starts build/netscope for a benchmark, waits for /readyz and stops it as systemd would.</summary>
internal static partial class AgentProcess
{
    public static Process Start(string agent, string config, string work, out int port)
    {
        port = FreePort();
        var psi = new ProcessStartInfo(agent)
        {
            ArgumentList = { "run", "--config", config, "--listen", $"127.0.0.1:{port}", "--log-level", "Warning" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = work,
        };
        Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {agent}");
        // Drain the pipes so a chatty agent never blocks on a full pipe.
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("agent: " + e.Data); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    public static double WaitReady(HttpClient http, Process p, int port)
    {
        // Process.Start returns after exec, so the clock starts at the process's own start time.
        DateTime started = p.StartTime;
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (p.HasExited)
            {
                throw new InvalidOperationException($"netscope exited with {p.ExitCode} before /readyz");
            }
            try
            {
                using HttpResponseMessage r = http.GetAsync(new Uri($"http://127.0.0.1:{port}/readyz")).GetAwaiter().GetResult();
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    return (DateTime.Now - started).TotalSeconds;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // listener up but slow: retry
            }
            Thread.Sleep(10);
        }
        throw new TimeoutException("netscope was not ready within 30 s");
    }

    public static void Stop(Process p)
    {
        // SIGTERM first so the agent detaches and exits as it would under systemd.
        _ = kill(p.Id, 15);
        if (!p.WaitForExit(10_000))
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
