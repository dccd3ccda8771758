using NetScope.Agent.Probes;
using NetScope.Agent.SelfTest;
using NetScope.Native;

namespace NetScope.Kernel.Tests;

/// <summary>
/// Both per-socket state stores of bpf/tcp_latency.bpf.c on this kernel: sk_storage (tracepoint/sock) and the
/// LRU hash (tracepoint/syscalls). Each must create a connection's states at ESTABLISHED, delete them at
/// CLOSE and count both, since the tracked-socket gauge is built from those counters.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class SocketStateStorageTests
{
    [SkippableTheory]
    [InlineData("sock", "sk_storage")]
    [InlineData("syscalls", "lru_hash")]
    public async Task AConnectionsStatesAreCountedWhenCreatedAndWhenReleased(string hookSetName, string storage)
    {
        KernelTestGuard.Require();
        Assert.True(Names.TryParse(hookSetName, out HookSet hookSet));
        TestKernel.Prepare();
        using TcpLatencyProbe probe = TcpLatencyProbe.Attach(new RungSelector(new KernelFeatures()), new HashSet<HookRung> { HookRung.Tracepoint }, tracepointHooks: hookSet);
        Assert.Equal(storage, probe.SocketStorage);
        ulong[] before = probe.ReadCounters();
        await using (var server = new LoopbackEchoServer())
        {
            await server.RoundTripsAsync(3);
            Assert.Equal(3UL, probe.ReadLatency().Single(s => s.Role == TcpRole.Server && s.Port == server.Port).Count);
        }

        // Both ends of the connection (server and client socket) reach CLOSE once the server has stopped.
        var grew = new CounterGrowth(before, probe.ReadCounters());
        for (int i = 0; i < 100 && grew[TcpCounter.SocketsReleased] < 2; i++)
        {
            await Task.Delay(20);
            grew = grew with { After = probe.ReadCounters() };
        }

        Assert.True(grew[TcpCounter.SocketsTracked] >= 2, $"tracked +{grew[TcpCounter.SocketsTracked]}");
        Assert.True(grew[TcpCounter.SocketsReleased] >= 2, $"released +{grew[TcpCounter.SocketsReleased]}");
        Assert.Equal(0UL, grew[TcpCounter.SocketsUntracked]);
    }
}
