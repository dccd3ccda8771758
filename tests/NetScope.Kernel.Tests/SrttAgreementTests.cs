using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Text.RegularExpressions;
using NetScope.Agent.Aggregation;
using NetScope.Agent.Probes;
using NetScope.Agent.SelfTest;
using NetScope.Native;

namespace NetScope.Kernel.Tests;

/// <summary>The RTT histogram records what the kernel's own tools report: `ss -ti` shows the same srtt.</summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public partial class SrttAgreementTests
{
    [SkippableFact]
    public async Task EachClientSampleLandsInTheBucketOfTheSrttThatSsReports()
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        using TcpLatencyProbe probe = TcpLatencyProbe.Attach(new RungSelector(new KernelFeatures()), new HashSet<HookRung>(Enum.GetValues<HookRung>()));
        await using var server = new LoopbackEchoServer();
        for (int connection = 0; connection < 3; connection++)
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, server.Port);
            client.NoDelay = true;
            NetworkStream stream = client.GetStream();
            byte[] buffer = new byte[16];
            for (int i = 0; i < 5; i++)
            {
                stream.Write(buffer);
                stream.ReadExactly(buffer);
            }

            // One more request between two reads of the histogram: the one new client sample. The client's
            // srtt cannot change after its response is read (nothing it sent is unacknowledged), so ss sees
            // the value the probe sampled.
            ulong[] before = ClientRtt(probe, server.Port);
            stream.Write(buffer);
            stream.ReadExactly(buffer);
            ulong[] after = ClientRtt(probe, server.Port);
            int[] newSlots = Enumerable.Range(0, after.Length).Where(s => after[s] != before[s]).ToArray();
            int slot = Assert.Single(newSlots);
            Assert.Equal(1UL, after[slot] - before[slot]);

            int localPort = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
            double ssRttUs = SsRttMicroseconds(localPort, server.Port);
            Assert.True(
                ExponentialBuckets.SlotOf((ulong)Math.Round(ssRttUs * 1000)) == slot,
                $"ss -ti reports rtt {ssRttUs} us (slot {ExponentialBuckets.SlotOf((ulong)Math.Round(ssRttUs * 1000))}), the probe sampled slot {slot}");
        }
    }

    private static ulong[] ClientRtt(TcpLatencyProbe probe, int port) =>
        probe.ReadRtt().SingleOrDefault(s => s.Role == TcpRole.Client && s.Port == port)?.Slots ?? new ulong[TcpLatHist.SlotCount];

    /// <summary>tcpi_rtt of one connection as `ss -ti` prints it ("rtt:0.016/0.008", milliseconds).</summary>
    private static double SsRttMicroseconds(int localPort, int remotePort)
    {
        var start = new ProcessStartInfo("ss", ["-tinH", "state", "established", $"( sport = :{localPort} and dport = :{remotePort} )"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process ss = Process.Start(start)!;
        string output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        Match match = RttField().Match(output);
        Assert.True(match.Success, $"no rtt in `ss -ti` output: {output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * 1000;
    }

    [GeneratedRegex(@"\brtt:([0-9.]+)/")]
    private static partial Regex RttField();
}
