using System.Text.Json;
using NetScope.Agent.Aggregation;
using NetScope.Agent.Probes;
using NetScope.Agent.SelfTest;
using NetScope.Native;

namespace NetScope.Agent.Tests.SelfTest;

/// <summary>The selftest's checks and summary on made-up observations (no kernel): what passes, what fails and what the summary line says.</summary>
public class SelfTestReportTests
{
    private const int Requests = 20;
    private static readonly TimeSpan s_delay = TimeSpan.FromMilliseconds(156);
    private static readonly ulong s_bytes = Requests * LoopbackEchoServer.MessageBytes;

    private static TcpLatencySeries Series(TcpRole role, int inBucket, int late = 0, int early = 0)
    {
        int slot = ExponentialBuckets.SlotOf((ulong)s_delay.TotalNanoseconds);
        ulong[] slots = new ulong[TcpLatHist.SlotCount];
        slots[slot] = (ulong)inBucket;
        slots[slot + 1] = (ulong)late;
        slots[slot - 1] = (ulong)early;
        return new TcpLatencySeries(role, 4000, slots, 1, (ulong)(inBucket + late + early));
    }

    private static TcpSeriesStats Stats(ulong closed = 1) => new() { BytesSent = s_bytes, BytesReceived = s_bytes, ConnsOpened = 1, ConnsClosed = closed };

    private static TcpEventRecord Event(TcpEventType type, TcpRole role) => type == TcpEventType.SlowRequest
        ? new TcpEventRecord { Type = type, Role = role, SeriesPort = 4000, DurationNs = (ulong)s_delay.TotalNanoseconds }
        : new TcpEventRecord { Type = type, Role = role, SeriesPort = 4000, Requests = Requests, BytesSent = s_bytes, BytesReceived = s_bytes };

    private static List<TcpEventRecord> Events() =>
    [
        .. Enumerable.Repeat(Event(TcpEventType.SlowRequest, TcpRole.Server), Requests),
        .. Enumerable.Repeat(Event(TcpEventType.SlowRequest, TcpRole.Client), Requests),
        Event(TcpEventType.ConnectionClose, TcpRole.Server),
        Event(TcpEventType.ConnectionClose, TcpRole.Client),
    ];

    private static TcpTrafficObservation Good() =>
        new(Requests, s_delay, 4000, Series(TcpRole.Server, Requests), Series(TcpRole.Client, Requests), Stats(), Stats(), 2 * Requests, 2 * Requests + 1, Events());

    private static Dictionary<string, (bool Passed, string Reason)> Run(TcpTrafficObservation observation) =>
        TcpTrafficChecks.All.ToDictionary(c => c.Name, c => c.Check(observation));

    [Fact]
    public void ExpectedTrafficPassesEveryCheck() =>
        Assert.All(Run(Good()), c => Assert.True(c.Value.Passed, $"{c.Key}: {c.Value.Reason}"));

    [Fact]
    public void LateSamplesAreToleratedUpToAQuarterButEarlyOnesNever()
    {
        Assert.True(Run(Good() with { Client = Series(TcpRole.Client, 15, late: 5) })["client_histogram"].Passed);
        Assert.False(Run(Good() with { Client = Series(TcpRole.Client, 14, late: 6) })["client_histogram"].Passed);
        (bool passed, string reason) = Run(Good() with { Server = Series(TcpRole.Server, 19, early: 1) })["server_histogram"];
        Assert.False(passed);
        Assert.Contains("1 below it", reason);
    }

    [Fact]
    public void MissingSamplesSeriesAndConnectionsFailWithTheNumbers()
    {
        Assert.Contains("19 samples for 20 requests", Run(Good() with { Server = Series(TcpRole.Server, 19) })["server_histogram"].Reason);
        Assert.Contains("no client series for port 4000", Run(Good() with { Client = null })["client_histogram"].Reason);
        (bool passed, string reason) = Run(Good() with { ClientStats = Stats(closed: 0) })["series_connections"];
        Assert.False(passed);
        Assert.Contains("client opened 1 closed 0", reason);
        Assert.False(Run(Good() with { SendCalls = 39 })["send_recv_calls"].Passed);
    }

    [Fact]
    public void MissingOrWrongEventsFailWithTheNumbers()
    {
        (bool passed, string reason) = Run(Good() with { Events = Events().Skip(1).ToList() })["events_slow_request"];
        Assert.False(passed);
        Assert.Contains("server 19, client 20 slow_request events", reason);
        List<TcpEventRecord> wrongClose = Events().SkipLast(1).Append(Event(TcpEventType.ConnectionClose, TcpRole.Client) with { Requests = 3 }).ToList();
        (passed, reason) = Run(Good() with { Events = wrongClose })["events_connection_close"];
        Assert.False(passed);
        Assert.Contains("client requests 3", reason);
    }

    [Fact]
    public void SummaryLineCarriesRungsNumbersAndChecks()
    {
        var report = new SelfTestReport("6.1.0-test");
        var allowed = new RungConfiguration(new HashSet<HookRung> { HookRung.Kprobe, HookRung.Tracepoint });
        RungReport[] reports =
        [
            new(HookRung.Fentry, HookSet.Tcp, false, false, "disabled by configuration"),
            new(HookRung.Kprobe, HookSet.Tcp, true, true, "loaded and attached"),
            new(HookRung.Tracepoint, HookSet.Sock, true, false, "not tried: kprobe/tcp is preferred"),
            new(HookRung.Tracepoint, HookSet.Syscalls, true, false, "not tried: kprobe/tcp is preferred"),
        ];
        report.Add(new RungConfigurationResult(allowed, HookRung.Kprobe, HookSet.Tcp, reports,
            TcpTrafficChecks.ExactNumbers(Good()), TcpTrafficChecks.ObservedNumbers(Good()),
            [new SelfTestCheck("attach", "kprobe,tracepoint", "kprobe", CheckOutcome.Pass, "ok")]));
        report.Add(new SelfTestCheck("xdp_corpus/x", "xdp", null, CheckOutcome.Skip, "'quoted' reason"));

        string line = report.FormatSummaryLine();
        Assert.StartsWith(SelfTestReport.SummaryPrefix, line);
        Assert.DoesNotContain('\n', line);
        Assert.Contains("'quoted' reason", line);
        JsonElement root = JsonDocument.Parse(line[SelfTestReport.SummaryPrefix.Length..]).RootElement;
        Assert.Equal("6.1.0-test", root.GetProperty("kernel").GetString());
        Assert.True(root.GetProperty("passed").GetBoolean());
        JsonElement configuration = root.GetProperty("configurations")[0];
        Assert.Equal("kprobe,tracepoint", configuration.GetProperty("name").GetString());
        Assert.Equal("kprobe", configuration.GetProperty("rung").GetString());
        Assert.Equal("tcp", configuration.GetProperty("hook_set").GetString());
        Assert.Equal("syscalls", configuration.GetProperty("rungs")[3].GetProperty("hook_set").GetString());
        Assert.Equal(20UL, configuration.GetProperty("numbers").GetProperty("server_samples").GetUInt64());
        Assert.Equal("skip", root.GetProperty("checks")[1].GetProperty("outcome").GetString());
    }

    [Fact]
    public void AFailedCheckFailsTheReportAndASkippedOneDoesNot()
    {
        var report = new SelfTestReport("k");
        report.Add(new SelfTestCheck("attach", "tracepoint", null, CheckOutcome.Skip, "no rung"));
        Assert.True(report.Passed);
        report.Add(new SelfTestCheck("series_bytes", "fentry,kprobe,tracepoint", "fentry", CheckOutcome.Fail, "server received 0"));
        Assert.False(report.Passed);
        Assert.Contains("FAIL fentry,kprobe,tracepoint [fentry] series_bytes: server received 0", report.FormatText());
    }

    [Fact]
    public void TheLadderDropsTheBestRungEachStepThenForcesTheOtherTracepointHookSet() =>
        Assert.Equal(
            ["fentry,kprobe,tracepoint", "kprobe,tracepoint", "tracepoint", "tracepoint/syscalls"],
            RungConfiguration.Ladder(TcpLatencyProbe.Definition).Select(c => c.Name));

    [Fact]
    public void AForcedHookSetIsNamedAfterItsRung()
    {
        Assert.Equal("fentry,kprobe,tracepoint/sock", new RungConfiguration(Enum.GetValues<HookRung>().ToHashSet(), HookSet.Sock).Name);
        // A forced tracepoint hook set without the tracepoint rung changes nothing, so the name does not show it.
        Assert.Equal("kprobe", new RungConfiguration(new HashSet<HookRung> { HookRung.Kprobe }, HookSet.Syscalls).Name);
    }
}
