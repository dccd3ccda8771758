using NetScope.Agent.Configuration;
using NetScope.Agent.Probes;
using NetScope.Agent.SelfTest;
using NetScope.Native;

namespace NetScope.Kernel.Tests;

/// <summary>
/// The events configuration reaches the programs at load (section .rodata.cfg, constants to the verifier): with
/// both kinds of event turned off, slow requests and closes are never even offered, whatever the traffic.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class LoadTimeConfigKernelTests
{
    [SkippableFact]
    public async Task EventsTurnedOffAtLoadAreNeverOffered()
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        using TcpLatencyProbe probe = TcpLatencyProbe.Attach(
            new RungSelector(new KernelFeatures()),
            new HashSet<HookRung>(Enum.GetValues<HookRung>()),
            events: new EventsSettings() with { SlowThreshold = null, ConnectionClose = false });
        ulong[] before = probe.ReadCounters();
        int port;
        await using (var server = new LoopbackEchoServer(TimeSpan.FromMilliseconds(5)))
        {
            port = server.Port;
            await server.RoundTripsAsync(10);
        }

        ulong[] after = probe.ReadCounters();
        for (int i = 0; i < 100 && after[(int)TcpCounter.SocketsReleased] - before[(int)TcpCounter.SocketsReleased] < 2; i++)
        {
            await Task.Delay(20);
            after = probe.ReadCounters();
        }

        Assert.Equal(10UL, probe.ReadLatency().Single(s => s.Role == TcpRole.Server && s.Port == port).Count);
        Assert.True(after[(int)TcpCounter.SocketsReleased] - before[(int)TcpCounter.SocketsReleased] >= 2, "both sockets closed");
        Assert.Equal(0UL, after[(int)TcpCounter.EventsOffered] - before[(int)TcpCounter.EventsOffered]);
    }
}
