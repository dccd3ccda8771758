using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NetScope.Kernel.Tests;

/// <summary>
/// Two private network namespaces joined by a veth pair: a server namespace (veth "vsrv", 10.77.0.1, a
/// python http.server on port 8080) and a client namespace (veth "vcli") holding a legitimate client
/// address (10.77.0.2) and an attacker address (10.77.0.3). Nothing touches the root namespace, so the
/// fixed addresses cannot collide with the host's. Deleted on dispose, also after a failed setup.
/// </summary>
internal sealed partial class FloodTestNetwork : IDisposable
{
    public const string ServerInterface = "vsrv";
    public const string ServerAddress = "10.77.0.1";
    public const string LegitAddress = "10.77.0.2";
    public const string AttackerAddress = "10.77.0.3";
    public const int Port = 8080;

    private const int CLONE_NEWNET = 0x40000000;

    private readonly string _webRoot;
    private Process? _server;

    private FloodTestNetwork()
    {
        string id = Guid.NewGuid().ToString("N")[..6];
        ServerNamespace = $"nsf-srv-{id}";
        ClientNamespace = $"nsf-cli-{id}";
        _webRoot = Directory.CreateTempSubdirectory("nsf-www-").FullName;
        File.WriteAllText(Path.Combine(_webRoot, "index.html"), "ok\n");
    }

    public string ServerNamespace { get; }

    public string ClientNamespace { get; }

    /// <summary>Creates the namespaces, the veth pair and the server; waits until the server answers.</summary>
    public static FloodTestNetwork Create()
    {
        var network = new FloodTestNetwork();
        try
        {
            string srv = network.ServerNamespace, cli = network.ClientNamespace;
            Ip($"netns add {srv}");
            Ip($"netns add {cli}");
            Ip($"-n {srv} link add {ServerInterface} type veth peer name vcli netns {cli}");
            Ip($"-n {srv} addr add {ServerAddress}/24 dev {ServerInterface}");
            Ip($"-n {cli} addr add {LegitAddress}/24 dev vcli");
            Ip($"-n {cli} addr add {AttackerAddress}/24 dev vcli");
            Ip($"-n {srv} link set lo up");
            Ip($"-n {cli} link set lo up");
            Ip($"-n {srv} link set {ServerInterface} up");
            Ip($"-n {cli} link set vcli up");
            network.StartServer();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> on a dedicated thread inside the server namespace (ifindex lookups and XDP attach).</summary>
    public T InServerNamespace<T>(Func<T> action)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using SafeFileHandle original = File.OpenHandle("/proc/thread-self/ns/net");
                using SafeFileHandle target = File.OpenHandle($"/run/netns/{ServerNamespace}");
                Check(setns(target.DangerousGetHandle().ToInt32(), CLONE_NEWNET), "setns");
                try
                {
                    result = action();
                }
                finally
                {
                    Check(setns(original.DangerousGetHandle().ToInt32(), CLONE_NEWNET), "setns back");
                }
            }
            catch (Exception ex)
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new InvalidOperationException($"in namespace {ServerNamespace}: {error.Message}", error);
        }

        return result;
    }

    /// <summary>
    /// GETs / <paramref name="count"/> times, one connection each, from <paramref name="source"/>; returns
    /// the status codes ("000" for a transfer that timed out or failed).
    /// </summary>
    public List<string> Get(string source, int count, double timeoutSeconds)
    {
        var args = new List<string> { "netns", "exec", ClientNamespace, "curl", "-s", "--interface", source, "--max-time", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-w", "%{http_code}\\n" };
        for (int i = 0; i < count; i++)
        {
            args.AddRange(["-o", "/dev/null", $"http://{ServerAddress}:{Port}/?n={i}"]);
        }

        (_, string output, _) = Run("ip", args);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    public void Dispose()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit(2000);
        }

        _server?.Dispose();
        Run("ip", ["netns", "del", ServerNamespace]);
        Run("ip", ["netns", "del", ClientNamespace]);
        Directory.Delete(_webRoot, recursive: true);
    }

    private void StartServer()
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { "netns", "exec", ServerNamespace, "python3", "-m", "http.server", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", ServerAddress, "--directory", _webRoot })
        {
            start.ArgumentList.Add(arg);
        }

        _server = Process.Start(start)!;
        // Drain the request log so the server never blocks on a full pipe.
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var ready = Stopwatch.StartNew();
        while (ready.Elapsed < TimeSpan.FromSeconds(5))
        {
            if (Get(LegitAddress, 1, 1) is ["200"])
            {
                return;
            }

            Thread.Sleep(100);
        }

        throw new InvalidOperationException("python3 http.server did not answer within 5 s");
    }

    private static void Ip(string arguments)
    {
        (int code, _, string error) = Run("ip", arguments.Split(' '));
        if (code != 0)
        {
            throw new InvalidOperationException($"ip {arguments} failed: {error}");
        }
    }

    private static (int Code, string Output, string Error) Run(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"{what} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setns(int fd, int nstype);
}
