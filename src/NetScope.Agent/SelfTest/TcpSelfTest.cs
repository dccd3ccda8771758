using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.SelfTest;

/// <summary>What one rung configuration gave: the rung and hook set chosen (null when none attached), every rung's verdict, the numbers and the checks.</summary>
/// <param name="Configuration">The rungs the probe was allowed to use, and the forced tracepoint hook set if any.</param>
/// <param name="Rung">The rung that attached, or null.</param>
/// <param name="HookSet">The hook set of that rung, or null.</param>
/// <param name="Reports">Per rung and hook set: used, available or refused, and why.</param>
/// <param name="ExactNumbers">Numbers fixed by the traffic (equal on every rung), empty when nothing attached.</param>
/// <param name="ObservedNumbers">Numbers that depend on the host, empty when nothing attached.</param>
/// <param name="Checks">This configuration's checks.</param>
internal sealed record RungConfigurationResult(
    RungConfiguration Configuration,
    HookRung? Rung,
    HookSet? HookSet,
    IReadOnlyList<RungReport> Reports,
    IReadOnlyDictionary<string, ulong> ExactNumbers,
    IReadOnlyDictionary<string, ulong> ObservedNumbers,
    IReadOnlyList<SelfTestCheck> Checks)
{
    /// <summary>The configuration's name, e.g. "kprobe,tracepoint" (see <see cref="RungConfiguration.Name"/>).</summary>
    public string Name => Configuration.Name;

    /// <summary>The rung and hook set that attached, e.g. "tracepoint/syscalls", or null.</summary>
    public string? ChosenName => Rung is { } rung && HookSet is { } hookSet ? Names.Of(rung, hookSet) : null;
}

/// <summary>
/// Attaches the TCP latency probe restricted to one rung configuration (as `run --rungs` does), drives known
/// loopback traffic through it and checks what the kernel recorded (<see cref="TcpTrafficChecks"/>).
/// </summary>
internal sealed class TcpSelfTest
{
    /// <summary>
    /// The server's answer delay: 156 ms sits just above the lower bound of its bucket, (155.9 ms, 185.4 ms],
    /// so a response may be up to 29 ms late and still land in it. Under qemu's software emulation the
    /// client's wake-up alone took 15-30 ms for one request in ten (measured): 78 ms, with 14 ms of room, was too tight.
    /// </summary>
    public static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(156);

    /// <summary>How long connections may take to reach CLOSE after the client is done (slow under emulation).</summary>
    private static readonly TimeSpan s_closeWait = TimeSpan.FromSeconds(10);

    private readonly RungSelector _selector;
    private readonly int _requests;

    public TcpSelfTest(RungSelector selector, int requests)
    {
        _selector = selector;
        _requests = requests;
    }

    /// <summary>
    /// Runs one configuration. When no allowed rung attaches, the attach check fails if
    /// <paramref name="mustAttach"/> (the agent could not run so configured), else it is skipped with the refusals.
    /// </summary>
    public async Task<RungConfigurationResult> RunAsync(RungConfiguration configuration, bool mustAttach)
    {
        string name = configuration.Name;
        TcpLatencyProbe probe;
        try
        {
            probe = TcpLatencyProbe.Attach(_selector, configuration.Rungs, events: new Configuration.EventsSettings() with { SlowThreshold = Delay / 2 },
                tracepointHooks: configuration.TracepointHooks);
        }
        catch (NoUsableRungException ex)
        {
            var attach = new SelfTestCheck("attach", name, null, mustAttach ? CheckOutcome.Fail : CheckOutcome.Skip, $"no allowed rung attached: {Describe(ex.Reports)}");
            return new RungConfigurationResult(configuration, null, null, ex.Reports, new Dictionary<string, ulong>(), new Dictionary<string, ulong>(), [attach]);
        }

        using (probe)
        {
            string rung = Names.Of(probe.Rung, probe.HookSet);
            var checks = new List<SelfTestCheck> { new("attach", name, rung, CheckOutcome.Pass, Describe(probe.Reports)) };
            TcpTrafficObservation observation = await ObserveAsync(probe);
            foreach ((string checkName, Func<TcpTrafficObservation, (bool Passed, string Reason)> check) in TcpTrafficChecks.All)
            {
                (bool passed, string reason) = check(observation);
                checks.Add(SelfTestCheck.Verdict(checkName, name, rung, passed, reason));
            }

            return new RungConfigurationResult(configuration, probe.Rung, probe.HookSet, probe.Reports,
                TcpTrafficChecks.ExactNumbers(observation), TcpTrafficChecks.ObservedNumbers(observation), checks);
        }
    }

    private async Task<TcpTrafficObservation> ObserveAsync(TcpLatencyProbe probe)
    {
        await using var server = new LoopbackEchoServer(Delay);
        // Keeps far more than the check's traffic makes, so no event of ours is overwritten by a newer one.
        using var events = new Events.TcpEventIngest(probe.Events, keep: 4096, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        ulong[] before = probe.ReadCounters();

        await server.RoundTripsAsync(_requests);

        // The client has closed its socket; both ends reach CLOSE shortly after (the server on reading EOF).
        TcpSeriesStats? Stats(TcpRole role) =>
            probe.ReadSeriesStats().Where(s => s.Key.Role == role && s.Key.Port == server.Port).Select(s => (TcpSeriesStats?)s.Stats).SingleOrDefault();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (!(Stats(TcpRole.Server)?.ConnsClosed >= 1 && Stats(TcpRole.Client)?.ConnsClosed >= 1)
            && System.Diagnostics.Stopwatch.GetElapsedTime(start) < s_closeWait)
        {
            await Task.Delay(20);
        }

        List<TcpLatencySeries> latency = probe.ReadLatency();
        ulong[] after = probe.ReadCounters();
        events.DrainNow();
        List<TcpEventRecord> ours = events.Newest(type: null, int.MaxValue).Where(e => e.SeriesPort == server.Port).ToList();

        return new TcpTrafficObservation(
            _requests,
            Delay,
            server.Port,
            latency.SingleOrDefault(s => s.Role == TcpRole.Server && s.Port == server.Port),
            latency.SingleOrDefault(s => s.Role == TcpRole.Client && s.Port == server.Port),
            Stats(TcpRole.Server),
            Stats(TcpRole.Client),
            after[(int)TcpCounter.SendCalls] - before[(int)TcpCounter.SendCalls],
            after[(int)TcpCounter.RecvCalls] - before[(int)TcpCounter.RecvCalls],
            ours);
    }

    private static string Describe(IReadOnlyList<RungReport> reports) =>
        string.Join("; ", reports.Select(r => $"{r.Name}: {(r.Chosen ? "chosen, " : string.Empty)}{r.Reason}"));
}
