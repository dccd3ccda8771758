using System.Net.Sockets;
using NetScope.Agent.Probes;
using NetScope.Agent.SelfTest;

namespace NetScope.Kernel.Tests;

/// <summary>
/// Where the tracepoint/sock hook set takes a receive's time from (recv_time_ns in bpf/tcp_latency.bpf.c): the time
/// tcp_recvmsg read while copying the data (kernels up to 6.18), checked one receive in 64 against the clock, which
/// stale checks in a row turn off. Counters grow host-wide (<see cref="CounterGrowth"/>); latencies are per port.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class ReceiveTimeSourceTests
{
    /// <summary>Linux 6.19 stopped refreshing the time in tcp_recvmsg: from there on the programs never take it.</summary>
    private static bool StackTimesReceives => Environment.OSVersion.Version < new Version(6, 19);

    [SkippableFact]
    public async Task RequestResponseReceivesTakeTheStackTimeButEachSocketsFirst()
    {
        const int Requests = 100;
        using TcpLatencyProbe probe = SockHookSet.Attach();
        await using var server = new LoopbackEchoServer();

        CounterGrowth grew = await CounterGrowth.DuringAsync(probe, () => server.RoundTripsAsync(Requests));

        ulong stack = grew[TcpCounter.ReceiveTimesStack], clock = grew[TcpCounter.ReceiveTimesClock];
        ulong checks = grew[TcpCounter.ReceiveTimeChecks], stale = grew[TcpCounter.ReceiveTimeStale];

        // Every round trip times two receives: the server's request (start) and the client's response (end). The
        // first receive of each socket has no earlier one to compare copied_seq with, so it reads the clock, as does
        // a check that finds the stack's time stale.
        Assert.True(clock >= 2, $"clock +{clock}: each socket's first receive reads the clock");
        if (!StackTimesReceives)
        {
            Assert.Equal(0UL, stack);
            return;
        }

        Assert.True(stack >= (2 * Requests) - 2 - stale, $"recvmsg +{stack}, clock +{clock}, stale +{stale} for {2 * Requests} timed receives");
        Assert.True(checks >= stack / 64, $"checks +{checks} for {stack} receives timed by the stack: one in 64 is checked");
        Assert.False(probe.ReceiveTimesFromClock);
        Assert.Equal((ulong)Requests, probe.ReadLatency().Single(s => s.Role == TcpRole.Client && s.Port == server.Port).Count);
    }

    [SkippableFact]
    public async Task AReceiveIsTimedWhenItReadsNotWhenItsDataArrived()
    {
        // The server reads the request 100 ms after it arrived and answers at once; the client reads the response
        // 250 ms after sending. Timed from the reads, the server's request is short and the client's is 250 ms; timed
        // from the data's arrival (what the stack's time would be on 6.19+ without the clock) both would be ~100 ms.
        TimeSpan serverLate = TimeSpan.FromMilliseconds(100), clientLate = TimeSpan.FromMilliseconds(250);
        using TcpLatencyProbe probe = SockHookSet.Attach();
        using Socket listener = SockHookSet.Listen(out int port);
        ulong stack = 0; // receives timed by the stack, or checked and found stale
        Task serve = SockHookSet.OnThread(() => SockHookSet.EchoOneByte(listener, TimeSpan.Zero, serverLate));

        await SockHookSet.OnThread(
            () =>
            {
                using Socket client = SockHookSet.Connect(port);
                byte[] b = new byte[1];
                client.Send(b);
                SockHookSet.ReceiveByte(client, b);
                CounterGrowth grew = CounterGrowth.During(
                    probe,
                    () =>
                    {
                        client.Send(b);
                        Thread.Sleep(clientLate);
                        SockHookSet.ReceiveByte(client, b);
                    });
                stack = grew[TcpCounter.ReceiveTimesStack] + grew[TcpCounter.ReceiveTimeStale];
            });
        await serve;

        // A check that finds the stack's time stale (an interrupt between the copy and the tracepoint) takes the clock's.
        Assert.True(stack >= 2 || !StackTimesReceives, $"recvmsg + stale +{stack}: both late reads took the stack's time or checked it");
        List<TcpLatencySeries> latency = probe.ReadLatency();
        TcpLatencySeries server = latency.Single(s => s.Role == TcpRole.Server && s.Port == port);
        TcpLatencySeries client = latency.Single(s => s.Role == TcpRole.Client && s.Port == port);
        Assert.Equal(2UL, server.Count);
        Assert.Equal(2UL, client.Count);
        Assert.True(server.SumNs / 1e6 < 50, $"server requests summed {server.SumNs / 1e6:F1} ms: timed from the late read");
        Assert.True(client.SumNs / 1e6 >= clientLate.TotalMilliseconds, $"client requests summed {client.SumNs / 1e6:F1} ms: timed to the late read");
    }

    [SkippableFact]
    public async Task StaleChecksInARowTurnTheStackTimeOffAndNothingIsLost()
    {
        // Every candidate checked (shift 0) against an age no stack time can meet (1 ns): each check is stale, the
        // eighth in a row turns the stack's time off, and from then on receives read the clock without checks.
        const int Requests = 20;
        using TcpLatencyProbe probe = SockHookSet.Attach(TcpLatencyProbe.LoadConfig(new()) with { ReceiveCheckShift = 0, ReceiveMaxAgeNs = 1 });
        await using var server = new LoopbackEchoServer();

        CounterGrowth untilOff = await CounterGrowth.DuringAsync(probe, () => server.RoundTripsAsync(Requests));

        ulong stale = untilOff[TcpCounter.ReceiveTimeStale];
        Assert.True(stale >= TcpLatencyProbe.ReceiveStaleStrikes || !StackTimesReceives, $"stale +{stale}");
        Assert.Equal(StackTimesReceives, probe.ReceiveTimesFromClock);

        CounterGrowth afterOff = await CounterGrowth.DuringAsync(probe, () => server.RoundTripsAsync(Requests));

        Assert.Equal(0UL, afterOff[TcpCounter.ReceiveTimeChecks]);
        Assert.True(afterOff[TcpCounter.ReceiveTimesClock] >= 2 * Requests);
        Assert.Equal(2UL * Requests, probe.ReadLatency().Single(s => s.Role == TcpRole.Client && s.Port == server.Port).Count);
    }
}
