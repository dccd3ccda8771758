using Microsoft.Extensions.Logging.Abstractions;
using NetScope.Agent.Configuration;
using NetScope.Agent.Events;
using NetScope.Agent.Probes;
using NetScope.Agent.SelfTest;
using NetScope.Native;

namespace NetScope.Kernel.Tests;

/// <summary>The tcp_events ring end to end inside the test process: fields, sampling and loss accounting.</summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class TcpEventsTests
{
    private static TcpLatencyProbe AttachProbe(EventsSettings events)
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        return TcpLatencyProbe.Attach(new RungSelector(new KernelFeatures()), new HashSet<HookRung>(Enum.GetValues<HookRung>()), events: events);
    }

    /// <summary>Reads the ring now and returns every event kept, oldest first.</summary>
    private static List<TcpEventRecord> Drain(TcpEventIngest ingest)
    {
        ingest.DrainNow();
        List<TcpEventRecord> events = ingest.Newest(type: null, int.MaxValue);
        events.Reverse();
        return events;
    }

    /// <summary>Short connections, one request each, in sequence: two close events each (client and server socket).</summary>
    private static async Task ConnectionsAsync(LoopbackEchoServer server, int connections)
    {
        for (int i = 0; i < connections; i++)
        {
            await server.RoundTripsAsync(1);
        }
    }

    [SkippableFact]
    public async Task SlowRequestsAndClosesCarryTheConnectionsFacts()
    {
        await LoopbackEchoServer.WarmUpAsync();
        using TcpLatencyProbe probe = AttachProbe(new EventsSettings() with { SlowThreshold = TimeSpan.FromMilliseconds(10) });
        using var ingest = new TcpEventIngest(probe.Events, keep: 1024, NullLogger.Instance);
        List<TcpEventRecord> ours;
        int port;
        await using (var server = new LoopbackEchoServer(TimeSpan.FromMilliseconds(30)))
        {
            port = server.Port;
            await server.RoundTripsAsync(3);
        }

        // The server socket closes after the client's: wait until both close records are in.
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        do
        {
            await Task.Delay(50);
            ours = Drain(ingest).Where(e => e.SeriesPort == port).ToList();
        }
        while (ours.Count(e => e.Type == TcpEventType.ConnectionClose) < 2 && DateTime.UtcNow < deadline);

        foreach (TcpRole role in new[] { TcpRole.Server, TcpRole.Client })
        {
            List<TcpEventRecord> slow = ours.Where(e => e.Type == TcpEventType.SlowRequest && e.Role == role).ToList();
            Assert.Equal(3, slow.Count);
            Assert.All(slow, e =>
            {
                Assert.InRange(e.DurationNs, 29_000_000UL, 2_000_000_000UL);
                Assert.Equal((uint)Environment.ProcessId, e.Pid);
                Assert.True(e.SrttUs > 0);
            });

            TcpEventRecord close = Assert.Single(ours, e => e.Type == TcpEventType.ConnectionClose && e.Role == role);
            Assert.Equal(3u, close.Requests);
            Assert.Equal(48UL, close.BytesSent);
            Assert.Equal(48UL, close.BytesReceived);
            Assert.Equal((uint)Environment.ProcessId, close.Pid);
            Assert.InRange(close.DurationNs, 90_000_000UL, 10_000_000_000UL);
            Assert.Equal(port, role == TcpRole.Server ? close.LocalPort : close.RemotePort);
            Assert.NotEqual(0, role == TcpRole.Server ? close.RemotePort : close.LocalPort);
        }
    }

    [SkippableFact]
    public async Task TheReaderThreadWakesForRecordsAndStopsAtOnce()
    {
        // The reader waits in epoll without a timeout: the kernel's wake-up must bring it records, and Dispose
        // must end the wait itself (before, a 100 ms timeout did both).
        using TcpLatencyProbe probe = AttachProbe(new EventsSettings() with { SlowThreshold = null });
        var ingest = new TcpEventIngest(probe.Events, keep: 100, NullLogger.Instance);
        try
        {
            ingest.Start();
            await Task.Delay(200);   // the thread is asleep in epoll by now
            int port;
            await using (var server = new LoopbackEchoServer())
            {
                port = server.Port;
                await ConnectionsAsync(server, 2);
            }

            DateTime deadline = DateTime.UtcNow.AddSeconds(5);
            while (ingest.Newest(TcpEventType.ConnectionClose, 100).Count(e => e.SeriesPort == port) < 4 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Equal(4, ingest.Newest(TcpEventType.ConnectionClose, 100).Count(e => e.SeriesPort == port));
        }
        finally
        {
            // A liveness bound, not a timing: without the wake-up, Dispose would wait forever.
            Task stop = Task.Run(ingest.Dispose);
            Assert.True(stop.Wait(TimeSpan.FromSeconds(10)), "Dispose did not end the reader's wait");
        }
    }

    [SkippableFact]
    public async Task ATinyRingWithAPausedReaderLosesOnlyWhatItCounts()
    {
        // One page of ring holds about 36 records; 150 connections make 300 close events while nobody reads.
        using TcpLatencyProbe probe = AttachProbe(new EventsSettings() with { SlowThreshold = null, RingSize = Environment.SystemPageSize });
        using var ingest = new TcpEventIngest(probe.Events, keep: 10, NullLogger.Instance);
        await using (var server = new LoopbackEchoServer())
        {
            await ConnectionsAsync(server, 150);
        }

        await Task.Delay(200);

        // Other processes' connections may add events at any moment: the books must balance at some quiet instant.
        bool balanced = false;
        ulong produced = 0, kernelLost = 0;
        for (int attempt = 0; attempt < 20 && !balanced; attempt++)
        {
            ingest.DrainNow();
            ulong[] counters = probe.ReadCounters();
            produced = counters[(int)TcpCounter.EventsProduced];
            kernelLost = counters[(int)TcpCounter.EventsLost];
            balanced = (ulong)ingest.Received + kernelLost == produced;
        }

        Assert.True(balanced, $"received {ingest.Received} + lost in kernel {kernelLost} != produced {produced}");
        Assert.True(kernelLost > 0, "a one-page ring must overflow");
        Assert.True(ingest.Received > 0);

        // The agent itself lost nothing: every record received went to the list of its type (only closes here,
        // no slow threshold), which still holds the newest 10.
        Assert.Equal(0, ingest.Malformed);
        List<TcpEventRecord> kept = Drain(ingest);
        Assert.All(kept, e => Assert.Equal(TcpEventType.ConnectionClose, e.Type));
        Assert.Equal(Math.Min(ingest.Received, 10), kept.Count);
    }

    [SkippableFact]
    public async Task TheSamplingShiftThinsEventsButNeverHistograms()
    {
        using TcpLatencyProbe probe = AttachProbe(new EventsSettings() with { SlowThreshold = null });
        probe.SetEventSampleShift(2);
        ulong[] before = probe.ReadCounters();
        int port;
        await using (var server = new LoopbackEchoServer())
        {
            port = server.Port;
            await ConnectionsAsync(server, 200);
        }

        await Task.Delay(200);
        ulong[] after = probe.ReadCounters();
        ulong offered = after[(int)TcpCounter.EventsOffered] - before[(int)TcpCounter.EventsOffered];
        ulong produced = after[(int)TcpCounter.EventsProduced] - before[(int)TcpCounter.EventsProduced];
        Assert.True(offered >= 400, $"offered {offered}");

        // One in four kept: 100 expected of 400; the bounds are more than five standard deviations wide.
        Assert.InRange(produced, offered / 8, offered / 2);
        TcpLatencySeries histogram = probe.ReadLatency().Single(s => s.Role == TcpRole.Server && s.Port == port);
        Assert.Equal(200UL, histogram.Count);
    }
}
