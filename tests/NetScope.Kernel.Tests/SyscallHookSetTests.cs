using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Configuration;
using NetScope.Agent.Hosting;
using NetScope.Agent.Probes;
using NetScope.Agent.SelfTest;
using NetScope.Native;

namespace NetScope.Kernel.Tests;

/// <summary>
/// The syscalls hook set of the tracepoint rung (kernels before 6.3) on this kernel, which also has the
/// sock tracepoints: both hook sets attached at once see the same traffic, so they must count it the same.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public partial class SyscallHookSetTests
{
    private static readonly HashSet<HookRung> s_tracepoint = [HookRung.Tracepoint];

    private static TcpLatencyProbe Attach(HookSet? hookSet, KernelFeatures? features = null)
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        return TcpLatencyProbe.Attach(new RungSelector(features ?? new KernelFeatures()), s_tracepoint, tracepointHooks: hookSet);
    }

    /// <summary>The real file system, minus the paths <paramref name="hidden"/> matches: a kernel that lacks some tracepoints.</summary>
    private static KernelFeatures Without(Func<string, bool> hidden) =>
        new(path => !hidden(path) && (File.Exists(path) || Directory.Exists(path)));

    private static TcpSeriesStats Stats(TcpLatencyProbe probe, TcpRole role, int port) =>
        probe.ReadSeriesStats().Single(s => s.Key.Role == role && s.Key.Port == port).Stats;

    private static TcpLatencySeries Latency(TcpLatencyProbe probe, TcpRole role, int port) =>
        probe.ReadLatency().Single(s => s.Role == role && s.Port == port);

    [SkippableFact]
    public async Task WithoutTheSockTracepointsTheTracepointRungFallsBackToSyscallsByItself()
    {
        using TcpLatencyProbe probe = Attach(null, Without(path => path.EndsWith("/sock/sock_send_length", StringComparison.Ordinal)));

        Assert.Equal(HookRung.Tracepoint, probe.Rung);
        Assert.Equal(HookSet.Syscalls, probe.HookSet);
        RungReport sock = probe.Reports.Single(r => r.HookSet == HookSet.Sock);
        Assert.False(sock.Available);
        Assert.Contains("sock/sock_send_length does not exist", sock.Reason);
        await using var server = new LoopbackEchoServer();
        await server.RoundTripsAsync(10);
        Assert.Equal(10UL, Latency(probe, TcpRole.Server, server.Port).Count);
        Assert.Equal(10UL, Latency(probe, TcpRole.Client, server.Port).Count);
    }

    [SkippableFact]
    public void AHookSetNotTriedIsStillReportedRefusedWhenTheKernelLacksIt()
    {
        using TcpLatencyProbe probe = Attach(null, Without(path => path.Contains("/events/syscalls/", StringComparison.Ordinal)));

        Assert.Equal(HookSet.Sock, probe.HookSet);
        RungReport syscalls = probe.Reports.Single(r => r.HookSet == HookSet.Syscalls);
        Assert.False(syscalls.Available);
        Assert.Contains("syscalls/sys_enter_write does not exist", syscalls.Reason);
    }

    [SkippableFact]
    public void ForcingSyscallsDisablesTheSockHookSetAndSaysSo()
    {
        using TcpLatencyProbe probe = Attach(HookSet.Syscalls);

        Assert.Equal(HookSet.Syscalls, probe.HookSet);
        Assert.Equal("tracepoint/syscalls", probe.Reports.Single(r => r.Chosen).Name);
        Assert.Equal("disabled by configuration: tracepoint hook set syscalls forced", probe.Reports.Single(r => r.HookSet == HookSet.Sock).Reason);
    }

    [SkippableFact]
    public async Task CountsTheSameTrafficTheSameAsTheSockHookSet()
    {
        const int Requests = 50;
        TimeSpan delay = TimeSpan.FromMilliseconds(20);
        using TcpLatencyProbe sock = Attach(HookSet.Sock);
        using TcpLatencyProbe syscalls = Attach(HookSet.Syscalls);
        await using var server = new LoopbackEchoServer(delay);

        await server.RoundTripsAsync(Requests);
        Assert.True(SpinWait.SpinUntil(() => Stats(sock, TcpRole.Server, server.Port).ConnsClosed == 1 && Stats(syscalls, TcpRole.Server, server.Port).ConnsClosed == 1, TimeSpan.FromSeconds(5)));

        foreach (TcpRole role in new[] { TcpRole.Server, TcpRole.Client })
        {
            Assert.Equal((ulong)Requests, Latency(sock, role, server.Port).Count);
            Assert.Equal((ulong)Requests, Latency(syscalls, role, server.Port).Count);
            Assert.Equal(Stats(sock, role, server.Port), Stats(syscalls, role, server.Port));

            // The two layers time the same request microseconds apart (both hooks fire as the syscall returns),
            // against 20 ms of delay per request; a preemption between them is the only way to drift further.
            double sockSum = Latency(sock, role, server.Port).SumNs, syscallsSum = Latency(syscalls, role, server.Port).SumNs;
            Assert.True(Math.Abs(sockSum - syscallsSum) < sockSum * 0.05, $"{role}: latency sums {sockSum} ns (sock) and {syscallsSum} ns (syscalls)");
        }

        Assert.Equal(Requests * 16UL, Stats(syscalls, TcpRole.Server, server.Port).BytesReceived);
    }

    [SkippableFact]
    public unsafe void FilesPipesUnixAndUdpSocketsAreNotCounted()
    {
        const int Iterations = 2000;
        using TcpLatencyProbe sock = Attach(HookSet.Sock);
        using TcpLatencyProbe syscalls = Attach(HookSet.Syscalls);
        using var io = new NonTcpDescriptors();

        // The sock probe's window encloses the syscalls probe's: every TCP send or receive syscall in the
        // window also passes the sock tracepoints, so the syscalls probe can count more only by counting
        // something that is not TCP. 8 sends and receives per iteration would show as thousands more.
        ulong[] sockBefore = sock.ReadCounters();
        ulong[] syscallsBefore = syscalls.ReadCounters();
        byte* buffer = stackalloc byte[16];
        for (int i = 0; i < Iterations; i++)
        {
            foreach ((int writer, int reader) in io.Pairs)
            {
                Assert.Equal(16, Libc.write(writer, buffer, 16));
                Assert.Equal(16, Libc.read(reader, buffer, 16));
            }
        }

        ulong[] syscallsAfter = syscalls.ReadCounters();
        ulong[] sockAfter = sock.ReadCounters();
        foreach (TcpCounter counter in new[] { TcpCounter.SendCalls, TcpCounter.RecvCalls })
        {
            ulong bySock = sockAfter[(int)counter] - sockBefore[(int)counter];
            ulong bySyscalls = syscallsAfter[(int)counter] - syscallsBefore[(int)counter];
            Assert.True(bySyscalls <= bySock + 50, $"{counter}: +{bySyscalls} through syscalls, +{bySock} through sock, over {Iterations * io.Pairs.Count} non-TCP writes and as many reads");
        }
    }

    [SkippableFact]
    public unsafe void PeekedBytesAreNotDataAndDoNotStartARequest()
    {
        using TcpLatencyProbe sock = Attach(HookSet.Sock);
        using TcpLatencyProbe syscalls = Attach(HookSet.Syscalls);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using (var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            client.Connect(IPAddress.Loopback, port);
            using Socket server = listener.AcceptSocket();
            int fd = (int)server.Handle;
            byte* buffer = stackalloc byte[16];
            Assert.Equal(16, client.Send(new byte[16]));
            Assert.True(server.Poll(TimeSpan.FromSeconds(5), SelectMode.SelectRead));

            // Both receive syscalls that take flags, peeking: the request must start only at the real read.
            Assert.Equal(16, Libc.recvfrom(fd, buffer, 16, Libc.MsgPeek, null, null));
            var iov = new Libc.IoVec { Base = buffer, Length = 16 };
            var message = new Libc.MsgHdr { Iov = &iov, IovLength = 1 };
            Assert.Equal(16, Libc.recvmsg(fd, &message, Libc.MsgPeek));
            Thread.Sleep(100);
            Assert.Equal(16, Libc.recvfrom(fd, buffer, 16, 0, null, null));
            Assert.Equal(16, server.Send(new byte[16]));
            Assert.Equal(16, client.Receive(new byte[16]));
        }

        foreach ((string name, TcpLatencyProbe probe) in new[] { ("sock", sock), ("syscalls", syscalls) })
        {
            TcpSeriesStats stats = Stats(probe, TcpRole.Server, port);
            Assert.True(stats.BytesReceived == 16, $"{name}: the server received {stats.BytesReceived} bytes, 16 sent (peeks counted as data)");
            Assert.Equal(16UL, stats.BytesSent);
            TcpLatencySeries latency = Latency(probe, TcpRole.Server, port);
            Assert.Equal(1UL, latency.Count);
            Assert.True(latency.SumNs < 100_000_000, $"{name}: the server's request took {latency.SumNs} ns: it started at a peek, 100 ms before the read");
        }
    }

    [SkippableFact]
    public async Task TheAgentForcedToSyscallsSaysSoInItsMetrics()
    {
        KernelTestGuard.Require();
        AgentConfig config = ConfigLoader.Parse("interfaces: []\nprobes:\n  rungs: [tracepoint]\n  tracepoint_hooks: syscalls\n", "syscalls.yaml");
        int port = AgentProcess.FreePort();
        WebApplication app = AgentHost.Build(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, port), Config = config, AllowedRungs = config.Rungs }, LogLevel.Warning);
        await app.StartAsync();
        try
        {
            await using var server = new LoopbackEchoServer();
            await server.RoundTripsAsync(20);
            using var http = new HttpClient();
            string metrics = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
            Assert.Contains("netscope_probe_attached{probe=\"tcp_latency\",hook=\"tcp_sendmsg\",rung=\"tracepoint\",hook_set=\"syscalls\"} 1\n", metrics);
            Assert.Contains("netscope_probe_attached{probe=\"tcp_latency\",hook=\"tcp_sendmsg\",rung=\"tracepoint\",hook_set=\"sock\"} 0\n", metrics);
            Assert.Contains($"netscope_tcp_request_duration_seconds_count{{role=\"server\",port=\"{server.Port}\"}} 20\n", metrics);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>A regular file, a pipe, a Unix stream socket pair and a connected UDP pair: (write end, read end) each.</summary>
    private sealed unsafe class NonTcpDescriptors : IDisposable
    {
        private readonly List<IDisposable> _owned = [];
        private readonly List<int> _fds = [];

        public NonTcpDescriptors()
        {
            string path = Path.GetTempFileName();
            var fileWriter = File.OpenHandle(path, FileMode.Open, FileAccess.Write, options: FileOptions.DeleteOnClose);
            var fileReader = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
            _owned.Add(fileWriter);
            _owned.Add(fileReader);
            Pairs.Add(((int)fileWriter.DangerousGetHandle(), (int)fileReader.DangerousGetHandle()));

            int* fds = stackalloc int[2];
            Assert.Equal(0, Libc.pipe(fds));
            Pairs.Add((fds[1], fds[0]));
            _fds.AddRange([fds[0], fds[1]]);
            Assert.Equal(0, Libc.socketpair(Libc.AfUnix, Libc.SockStream, 0, fds));
            Pairs.Add((fds[0], fds[1]));
            _fds.AddRange([fds[0], fds[1]]);

            var udpReader = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var udpWriter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _owned.Add(udpReader);
            _owned.Add(udpWriter);
            udpReader.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            udpWriter.Connect(udpReader.LocalEndPoint!);
            Pairs.Add(((int)udpWriter.Handle, (int)udpReader.Handle));
        }

        public List<(int Writer, int Reader)> Pairs { get; } = [];

        public void Dispose()
        {
            _fds.ForEach(fd => Libc.close(fd));
            _owned.ForEach(o => o.Dispose());
        }
    }

    private static unsafe partial class Libc
    {
        public const int MsgPeek = 2;
        public const int AfUnix = 1;
        public const int SockStream = 1;

        [StructLayout(LayoutKind.Sequential)]
        public struct IoVec
        {
            public byte* Base;
            public nint Length;
        }

        /// <summary>struct msghdr (x86_64).</summary>
        [StructLayout(LayoutKind.Sequential)]
        public struct MsgHdr
        {
            public void* Name;
            public int NameLength;
            public IoVec* Iov;
            public nint IovLength;
            public void* Control;
            public nint ControlLength;
            public int Flags;
        }

        [LibraryImport("libc", SetLastError = true)]
        public static partial nint write(int fd, byte* buffer, nint count);

        [LibraryImport("libc", SetLastError = true)]
        public static partial nint read(int fd, byte* buffer, nint count);

        [LibraryImport("libc", SetLastError = true)]
        public static partial nint recvfrom(int fd, byte* buffer, nint length, int flags, void* address, int* addressLength);

        [LibraryImport("libc", SetLastError = true)]
        public static partial nint recvmsg(int fd, MsgHdr* message, int flags);

        [LibraryImport("libc", SetLastError = true)]
        public static partial int pipe(int* fds);

        [LibraryImport("libc", SetLastError = true)]
        public static partial int socketpair(int domain, int type, int protocol, int* fds);

        [LibraryImport("libc", SetLastError = true)]
        public static partial int close(int fd);
    }
}
