using System.Net;
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

    /// <summary>Reads one byte, which must be there.</summary>
    public static void ReceiveByte(Socket socket, byte[] b) => Xunit.Assert.Equal(1, socket.Receive(b));

    /// <summary>A listener on 127.0.0.1 with its port.</summary>
    public static Socket Listen(out int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        return listener;
    }

    /// <summary>A client connected to 127.0.0.1:<paramref name="port"/>, without Nagle.</summary>
    public static Socket Connect(int port)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(IPAddress.Loopback, port);
        return client;
    }

    /// <summary>
    /// Runs blocking socket work on a thread of its own: on the thread pool a continuation's wait would count as
    /// latency.
    /// </summary>
    public static Task OnThread(Action work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Accepts one connection and echoes one byte per round, each read after its round's delay.</summary>
    public static void EchoOneByte(Socket listener, params TimeSpan[] lateBeforeRead)
    {
        using Socket accepted = listener.Accept();
        byte[] b = new byte[1];
        foreach (TimeSpan late in lateBeforeRead)
        {
            Thread.Sleep(late);
            ReceiveByte(accepted, b);
            accepted.Send(b);
        }
    }
}
