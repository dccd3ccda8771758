using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Configuration;
using NetScope.Agent.Hosting;
using NetScope.Native;

namespace NetScope.Agent.Demo;

/// <summary>
/// `netscope demo`: builds <see cref="DemoNetwork"/>, starts <see cref="DemoNginx"/>, runs the agent in
/// this process (so it takes the single-instance lock like any agent, and its XDP link and probes go
/// away with the process even on kill -9), drives legitimate and flood traffic, reports, and removes
/// everything on Ctrl-C, SIGTERM, the end of --duration or a failure halfway.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Legitimate requests per second (below <see cref="DemoAgentConfig.Threshold"/>).</summary>
    public const int LegitRate = 20;

    /// <summary>Parallel connections of the flood, each sending GETs as fast as nginx answers.</summary>
    public const int FloodConnections = 4;

    public static async Task<int> RunAsync(DemoVerb verb, TextWriter output, TextWriter errors)
    {
        if (verb.Duration < 0)
        {
            await errors.WriteLineAsync($"netscope demo: --duration {verb.Duration}: expected seconds >= 0 (0 runs until Ctrl-C)");
            return 2;
        }

        if (!ListenAddress.TryParse(verb.Listen, out IPEndPoint? listen, out string? listenError))
        {
            await errors.WriteLineAsync($"netscope demo: {listenError}");
            return 2;
        }

        if (!Enum.TryParse(verb.LogLevel, ignoreCase: true, out LogLevel level))
        {
            await errors.WriteLineAsync($"netscope demo: --log-level '{verb.LogLevel}' is not one of Trace, Debug, Information, Warning, Error");
            return 2;
        }

        ulong capabilities = Capabilities.ReadEffectiveMask();
        if (!Capabilities.HasEffective(Capabilities.Capability.CAP_SYS_ADMIN, capabilities) || !Capabilities.HasEffective(Capabilities.Capability.CAP_NET_ADMIN, capabilities))
        {
            await errors.WriteLineAsync("netscope demo: needs root: it creates network namespaces (CAP_SYS_ADMIN), a bridge, veths and an XDP program (CAP_NET_ADMIN) and loads the probes (CAP_BPF, CAP_PERFMON); run 'sudo make demo'");
            return 1;
        }

        SingleInstanceGuard guard;
        try
        {
            guard = SingleInstanceGuard.Acquire();
        }
        catch (InvalidOperationException ex)
        {
            await errors.WriteLineAsync($"netscope demo: {ex.Message}. The demo starts its own agent; stop the running one (systemctl stop netscope, or Ctrl-C in its terminal) or watch that one with 'netscope top' instead.");
            return 1;
        }

        using (guard)
        using (var stop = new CancellationTokenSource())
        using (PosixSignalRegistration onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, stop)))
        using (PosixSignalRegistration onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, stop)))
        {
            await using var run = new DemoRun(listen, level, TimeSpan.FromSeconds(verb.Duration), output);
            try
            {
                await run.RunAsync(stop.Token);
                return 0;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                await output.WriteLineAsync("Interrupted during set-up.");
                return 0;
            }
            catch (Exception ex) when (ex is DemoException or BpfException or ConfigException or IOException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                await errors.WriteLineAsync($"netscope demo: {ex.Message}");
                return 1;
            }
        }
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource stop)
    {
        context.Cancel = true;
        stop.Cancel();
    }
}
