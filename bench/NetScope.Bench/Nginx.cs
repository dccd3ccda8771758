using System.Diagnostics;
using System.Globalization;

namespace NetScope.Bench;

/// <summary>nginx (daemon off) in a namespace for the flood benchmark; its CPU time is master plus workers.</summary>
internal sealed class Nginx : IDisposable
{
    private readonly Process _master;

    private Nginx(Process master) => _master = master;

    public static Nginx Start(string ns, string config)
    {
        Process p = FloodNetwork.Start(ns, "nginx", ["-c", config], redirect: false);
        var nginx = new Nginx(p);
        var deadline = Stopwatch.StartNew();
        // Ready when the master has forked its worker and the worker accepts (the pid file is written before).
        while (nginx.Pids().Count < 2 || FloodNetwork.Run("ip", ["netns", "exec", ns, "curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:8080/"]).Code != 0)
        {
            if (p.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                nginx.Dispose();
                throw new InvalidOperationException($"nginx -c {config} did not start in {ns}");
            }
            Thread.Sleep(100);
        }
        return nginx;
    }

    /// <summary>utime+stime of master and workers, in USER_HZ ticks.</summary>
    public long CpuTicks() => Pids().Sum(Repo.CpuTicks);

    public void Dispose()
    {
        if (!_master.HasExited)
        {
            _master.Kill(entireProcessTree: true);
        }
        _master.WaitForExit();
        _master.Dispose();
    }

    private List<int> Pids()
    {
        string children = File.ReadAllText($"/proc/{_master.Id}/task/{_master.Id}/children");
        return [_master.Id, .. children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture))];
    }
}
