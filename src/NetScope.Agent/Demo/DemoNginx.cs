using System.Diagnostics;
using System.Globalization;

namespace NetScope.Agent.Demo;

/// <summary>
/// nginx (Debian's nginx-light) in the demo's web namespace, with its own config, page, pid file and
/// logs in the demo's temporary directory. With the echo module (libnginx-mod-http-echo, which
/// nginx-light pulls in) three API paths answer after 2, 40 and 150 ms, so the heatmap shows several
/// latency bands instead of one.
/// </summary>
internal sealed class DemoNginx : IDisposable
{
    public const string Binary = "/usr/sbin/nginx";
    public const string EchoModule = "/usr/lib/nginx/modules/ngx_http_echo_module.so";

    /// <summary>Paths with their delay in seconds (echo module only).</summary>
    public static readonly IReadOnlyList<(string Path, double DelaySeconds)> DelayedPaths =
        [("/api/items", 0.002), ("/api/search", 0.04), ("/api/report", 0.15)];

    private readonly Process _process;

    private DemoNginx(Process process, string directory, bool delays)
    {
        _process = process;
        Directory = directory;
        HasDelayedPaths = delays;
    }

    /// <summary>Where the config, page and logs are.</summary>
    public string Directory { get; }

    /// <summary>Whether the delayed API paths exist (the echo module is installed).</summary>
    public bool HasDelayedPaths { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Writes the config into <paramref name="directory"/> and starts nginx in the web namespace.</summary>
    public static DemoNginx Start(DemoNetwork network, string directory)
    {
        if (!File.Exists(Binary))
        {
            throw new DemoException($"nginx not found at {Binary}: install it with 'apt-get install nginx-light' ('make deps' does)");
        }

        bool delays = File.Exists(EchoModule);
        string www = Path.Combine(directory, "www");
        System.IO.Directory.CreateDirectory(www);
        File.WriteAllText(Path.Combine(www, "index.html"), "<!doctype html><title>netscope demo</title><p>Hello from nginx in the netscope demo.</p>\n");
        string config = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(config, Config(directory, www, delays));

        // nginx's workers run as www-data: they must be able to read the page (temporary directories are 0700).
        foreach (string path in new[] { directory, www })
        {
            if (!OperatingSystem.IsLinux())
            {
                break;
            }

            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string argument in new[] { "netns", "exec", network.WebNamespace, Binary, "-p", directory, "-c", config, "-e", Path.Combine(directory, "error.log") })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new DemoException("cannot start nginx");
        process.StandardInput.Close();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new DemoNginx(process, directory, delays);
    }

    /// <summary>The end of nginx's error log, for a failure message.</summary>
    public string ErrorLogTail()
    {
        string log = Path.Combine(Directory, "error.log");
        return File.Exists(log) ? string.Join(" / ", File.ReadLines(log).TakeLast(3)) : "(no error log)";
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private static string Config(string directory, string www, bool delays)
    {
        string module = delays ? $"load_module {EchoModule};\n" : string.Empty;
        string locations = delays
            ? string.Concat(DelayedPaths.Select(p => $"        location = {p.Path} {{ echo_sleep {p.DelaySeconds.ToString(CultureInfo.InvariantCulture)}; echo \"ok\"; }}\n"))
            : string.Empty;
        return $$"""
            # Written by `netscope demo` for one run; removed at exit.
            {{module}}daemon off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                keepalive_requests 1000000;
                server {
                    listen {{DemoNetwork.ServerAddress}}:{{DemoNetwork.Port}};
                    root {{www}};
            {{locations}}    }
            }

            """;
    }
}
