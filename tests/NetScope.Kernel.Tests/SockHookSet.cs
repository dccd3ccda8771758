using System.Net.Sockets;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Kernel.Tests;

/// <summary>What the tests of the tracepoint/sock hook set's time sources (sends and receives) share.</summary>
internal static class SockHookSet
{
    /// <summary>The TCP probe on the tracepoint rung through the sock tracepoints, optionally with its own load-time configuration.</summary>
    public static TcpLatencyProbe Attach(TcpLatencyConfig? loadConfig = null)
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        return TcpLatencyProbe.Attach(new RungSelector(new KernelFeatures()), new HashSet<HookRung> { HookRung.Tracepoint }, tracepointHooks: HookSet.Sock, loadConfig: loadConfig);
    }

    /// <summary>How much a host-wide counter grew between two reads.</summary>
    public static ulong Delta(ulong[] after, ulong[] before, TcpCounter counter) => after[(int)counter] - before[(int)counter];

    /// <summary>Reads one byte, which must be there.</summary>
    public static void ReceiveByte(Socket socket, byte[] b) => Xunit.Assert.Equal(1, socket.Receive(b));
}
