using NetScope.Agent.Aggregation;
using NetScope.Agent.Probes;
using NetScope.Agent.SelfTest;
using NetScope.Native;

namespace NetScope.Kernel.Tests;

[Collection("kernel")]
[Trait("Category", "Kernel")]
public class TcpLatencyProbeTests
{
    private static readonly HashSet<HookRung> s_allRungs = [.. Enum.GetValues<HookRung>()];

    private static TcpLatencyProbe AttachProbe(IReadOnlySet<HookRung>? rungs = null, NetScope.Agent.Configuration.TcpSeriesSettings? series = null)
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        return TcpLatencyProbe.Attach(new RungSelector(new KernelFeatures()), rungs ?? s_allRungs, series);
    }

    private static TcpLatencySeries? Series(TcpLatencyProbe probe, TcpRole role, int port) =>
        probe.ReadLatency().SingleOrDefault(s => s.Role == role && s.Port == port);

    [SkippableFact]
    public void AttachesABestRungAndExplainsEveryRefusal()
    {
        using TcpLatencyProbe probe = AttachProbe();
        Assert.Single(probe.Reports, r => r.Chosen);
        Assert.Equal(probe.Rung, probe.Reports.Single(r => r.Chosen).Rung);
        foreach (RungReport refused in probe.Reports.Where(r => !r.Available))
        {
            Assert.False(string.IsNullOrWhiteSpace(refused.Reason));
        }

        // This machine's kernel (see shared/MACHINE.md) has neither kprobes nor fentry: the report must say why.
        if (!File.Exists("/sys/kernel/tracing/kprobe_events"))
        {
            RungReport kprobe = probe.Reports.Single(r => r.Rung == HookRung.Kprobe);
            Assert.False(kprobe.Available);
            Assert.Contains("CONFIG_KPROBES", kprobe.Reason);
            RungReport fentry = probe.Reports.Single(r => r.Rung == HookRung.Fentry);
            Assert.False(fentry.Available);
            Assert.Contains("fentry_tcp_sendmsg", fentry.Reason);
            Assert.Equal(HookRung.Tracepoint, probe.Rung);
        }
    }

    [SkippableFact]
    public async Task ServerHistogramCountEqualsRequestsExactly()
    {
        const int Requests = 200;
        using TcpLatencyProbe probe = AttachProbe();
        await using var server = new LoopbackEchoServer();
        ulong sendBefore = probe.ReadCounter(TcpCounter.SendCalls);

        await server.RoundTripsAsync(Requests);

        TcpLatencySeries? serverSeries = Series(probe, TcpRole.Server, server.Port);
        Assert.NotNull(serverSeries);
        Assert.Equal((ulong)Requests, serverSeries.Count);
        Assert.Equal(serverSeries.Count, serverSeries.Slots.Aggregate(0UL, (a, b) => a + b));
        Assert.True(serverSeries.SumNs > 0);
        TcpLatencySeries? clientSeries = Series(probe, TcpRole.Client, server.Port);
        Assert.NotNull(clientSeries);
        Assert.Equal((ulong)Requests, clientSeries.Count);
        Assert.True(probe.ReadCounter(TcpCounter.SendCalls) - sendBefore >= 2 * Requests);
    }

    [SkippableFact]
    public async Task DelayedResponsesLandInTheBucketOfTheirDelay()
    {
        const int Requests = 30;

        // 78 ms sits just above the lower bound of its bucket, (77.9 ms, 92.7 ms]: a response may come up
        // to 14 ms late (scheduling on a shared VM) and still land in the bucket that contains the delay.
        TimeSpan delay = TimeSpan.FromMilliseconds(78);

        // Warm up the same path first (JIT, tiering, thread pool), before the probe attaches: compilation
        // between a request's receive and its response would count as latency.
        await using (var warmUp = new LoopbackEchoServer(delay))
        {
            await warmUp.RoundTripsAsync(5);
        }

        using TcpLatencyProbe probe = AttachProbe();
        await using var server = new LoopbackEchoServer(delay);

        await server.RoundTripsAsync(Requests);

        int slot = ExponentialBuckets.SlotOf((ulong)delay.TotalNanoseconds);
        foreach (TcpRole role in new[] { TcpRole.Server, TcpRole.Client })
        {
            // The client measures from its request's first bytes sent to the response's first bytes received.
            TcpLatencySeries series = Series(probe, role, server.Port)!;
            Assert.True(series.Slots[slot] >= Requests * 9 / 10, $"{role}: slot {slot} holds {series.Slots[slot]} of {Requests}: [{string.Join(",", series.Slots)}]");
        }
    }

    [SkippableFact]
    public async Task RestrictedToTracepointsTheOtherRungsAreReportedDisabled()
    {
        using TcpLatencyProbe probe = AttachProbe(new HashSet<HookRung> { HookRung.Tracepoint });
        Assert.Equal(HookRung.Tracepoint, probe.Rung);
        Assert.All(probe.Reports.Where(r => r.Rung != HookRung.Tracepoint), r => Assert.Equal("disabled by configuration", r.Reason));
        await using var server = new LoopbackEchoServer();
        await server.RoundTripsAsync(10);
        Assert.Equal(10UL, Series(probe, TcpRole.Server, server.Port)!.Count);
    }

    [SkippableFact]
    public void DisposeLeavesNoProgramLoaded()
    {
        HashSet<string> ours = [.. BpfTool.KernelNames(TcpLatencyProbe.Definition.Rungs.SelectMany(r => r.AllPrograms).Select(p => p.ProgramName))];
        HashSet<int> before = BpfTool.ProgramIds(ours);
        TcpLatencyProbe probe = AttachProbe();
        HashSet<int> mine;
        try
        {
            mine = BpfTool.ProgramIds(ours);
            mine.ExceptWith(before);
            Assert.NotEmpty(mine);
        }
        finally
        {
            probe.Dispose();
        }

        Assert.True(BpfTool.Unloaded(mine, TimeSpan.FromSeconds(5)), "programs of the disposed probe are still loaded");
    }

    [SkippableFact]
    public async Task SeriesCountBytesConnectionsAndRtt()
    {
        const int Requests = 50;
        using TcpLatencyProbe probe = AttachProbe();
        await using var server = new LoopbackEchoServer();
        await server.RoundTripsAsync(Requests);

        TcpSeriesStats Stats(TcpRole role) => probe.ReadSeriesStats().Single(s => s.Key.Role == role && s.Key.Port == server.Port).Stats;
        TcpSeriesStats serverStats = Stats(TcpRole.Server);
        Assert.Equal(Requests * 16UL, serverStats.BytesReceived);
        Assert.Equal(Requests * 16UL, serverStats.BytesSent);
        Assert.Equal(1UL, serverStats.ConnsOpened);
        Assert.Equal(1UL, Stats(TcpRole.Client).ConnsOpened);
        // The client closed its socket when RoundTripsAsync returned; the server's side follows.
        Assert.True(SpinWait.SpinUntil(() => Stats(TcpRole.Client).ConnsClosed == 1, TimeSpan.FromSeconds(3)));

        TcpLatencySeries? rtt = probe.ReadRtt().SingleOrDefault(s => s.Role == TcpRole.Server && s.Port == server.Port);
        Assert.NotNull(rtt);
        Assert.InRange(rtt.Count, 1UL, (ulong)Requests);
    }

    [SkippableFact]
    public async Task PortsBeyondTheCapFoldIntoOtherAndConfiguredPortsAreAlwaysTracked()
    {
        const int Requests = 10;
        await using var first = new LoopbackEchoServer();
        await using var second = new LoopbackEchoServer();
        await using var configured = new LoopbackEchoServer();
        using TcpLatencyProbe probe = AttachProbe(series: new([(ushort)configured.Port], MaxTrackedSeries: 1));

        await first.RoundTripsAsync(Requests);
        await second.RoundTripsAsync(Requests);
        await configured.RoundTripsAsync(Requests);

        List<TcpLatencySeries> servers = probe.ReadLatency().Where(s => s.Role == TcpRole.Server).ToList();
        ulong Count(int port) => servers.SingleOrDefault(s => s.Port == port)?.Count ?? 0;
        Assert.Equal((ulong)Requests, Count(configured.Port));
        // One dynamic series fits: the first (role, port) to reach ESTABLISHED takes it (one of the first server's
        // connection, unless other traffic took it first); the second server folds.
        Assert.DoesNotContain(servers, s => s.Port == second.Port);
        Assert.True(Count(first.Port) + Count(TcpLatencyProbe.OtherPort) >= 2 * Requests);
        Assert.True(Count(TcpLatencyProbe.OtherPort) >= Requests);
    }

    [SkippableFact]
    public async Task TheCapIsExactAndAFoldedSeriesCountsEverythingUnderOther()
    {
        const int Requests = 4;
        await using var first = new LoopbackEchoServer();
        await using var second = new LoopbackEchoServer();
        await using var last = new LoopbackEchoServer();
        using TcpLatencyProbe probe = AttachProbe(series: new([], MaxTrackedSeries: 2));
        TcpSeriesSnapshot before = probe.ReadSeries();

        await first.RoundTripsAsync(Requests);
        await second.RoundTripsAsync(Requests);
        await last.RoundTripsAsync(Requests);

        // "other" of both roles plus the cap: the first two servers bring four new series, so the cap is
        // full (whoever took it) and never exceeded.
        (string map, int entries, int maxEntries) = probe.SeriesMapOccupancy(probe.ReadSeries()).Single();
        Assert.Equal("tcp_series_keys", map);
        Assert.Equal(4, maxEntries);
        Assert.Equal(maxEntries, entries);

        // The last server came after the cap was full: its counters and both histograms are under "other".
        TcpSeriesSnapshot after = probe.ReadSeries();
        Assert.DoesNotContain(after.Stats, s => s.Key.Port == last.Port);
        Assert.DoesNotContain(after.Latency, s => s.Port == last.Port);
        Assert.DoesNotContain(after.Rtt, s => s.Port == last.Port);
        TcpSeriesStats OtherStats(TcpSeriesSnapshot s) => s.Stats.Single(x => x.Key.Role == TcpRole.Server && x.Key.Port == TcpLatencyProbe.OtherPort).Stats;
        ulong OtherSamples(TcpSeriesSnapshot s) => s.Latency.Single(x => x.Role == TcpRole.Server && x.Port == TcpLatencyProbe.OtherPort).Count;
        Assert.True(OtherStats(after).ConnsOpened - OtherStats(before).ConnsOpened >= 1);
        Assert.True(OtherStats(after).BytesReceived - OtherStats(before).BytesReceived >= Requests * (ulong)LoopbackEchoServer.MessageBytes);
        Assert.True(OtherSamples(after) - OtherSamples(before) >= Requests);
    }

    [SkippableFact]
    public async Task ADynamicSeriesShowsItsHistogramsFromItsFirstSampleAndReservedOnesAlways()
    {
        using TcpLatencyProbe probe = AttachProbe();
        await using var server = new LoopbackEchoServer();
        bool ServerSeen(TcpSeriesSnapshot s) => s.Stats.Any(x => x.Key.Role == TcpRole.Server && x.Key.Port == server.Port && x.Stats.ConnsOpened == 1);

        // A connection without a request: the series exists (its counters), its histograms do not yet.
        await server.RoundTripsAsync(0);
        TcpSeriesSnapshot idle = probe.ReadSeries();
        Assert.True(SpinWait.SpinUntil(() => ServerSeen(idle = probe.ReadSeries()), TimeSpan.FromSeconds(3)));
        Assert.DoesNotContain(idle.Latency, s => s.Port == server.Port);
        Assert.DoesNotContain(idle.Rtt, s => s.Port == server.Port);
        Assert.Contains(idle.Latency, s => s.Role == TcpRole.Server && s.Port == TcpLatencyProbe.OtherPort);
        Assert.Contains(idle.Rtt, s => s.Role == TcpRole.Client && s.Port == TcpLatencyProbe.OtherPort);

        await server.RoundTripsAsync(3);
        Assert.Equal(3UL, Series(probe, TcpRole.Server, server.Port)!.Count);
    }
}
