using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Configuration;
using NetScope.Agent.Hosting;
using NetScope.Native;

namespace NetScope.Kernel.Tests;

/// <summary>
/// Start/stop and crash cycles leave nothing behind: no programs, maps, links or file descriptors, and a
/// killed agent's XDP program is gone from the interface (fail-open).
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class LifecycleTests
{
    /// <summary>
    /// This process's descriptors by kind: BPF objects (anon_inode:bpf-prog/bpf-map/bpf_link...), sockets,
    /// pipes, other anonymous inodes (epoll, eventfd, perf events). Regular files are left out: the runtime
    /// maps assemblies lazily as new code runs, which is not a leak.
    /// </summary>
    private static Dictionary<string, int> DescriptorsByKind() => Directory.GetFiles("/proc/self/fd")
        .Select(f =>
        {
            try
            {
                return new FileInfo(f).LinkTarget ?? "?";
            }
            catch (IOException)
            {
                return "?";
            }
        })
        .Select(t => t.StartsWith("anon_inode:bpf", StringComparison.Ordinal) || t.StartsWith("anon_inode:[perf", StringComparison.Ordinal) ? "bpf" :
            t.StartsWith("socket:", StringComparison.Ordinal) ? "socket" :
            t.StartsWith("pipe:", StringComparison.Ordinal) ? "pipe" :
            t.StartsWith("anon_inode:", StringComparison.Ordinal) ? "anon" : "file")
        .Where(kind => kind != "file")
        .GroupBy(kind => kind)
        .ToDictionary(g => g.Key, g => g.Count());

    /// <summary>
    /// Waits until the kernel holds no more programs, maps and links than <paramref name="before"/> and
    /// asserts it. Objects are freed asynchronously (RCU) after their last reference goes, so objects of an
    /// earlier test may still be counted in <paramref name="before"/>: only growth is a leak.
    /// </summary>
    private static async Task AssertNoGrowthAsync((int Programs, int Maps, int Links) before)
    {
        (int Programs, int Maps, int Links) counts = BpfTool.Counts();
        for (int i = 0; i < 40 && !NoGrowth(counts, before); i++)
        {
            await Task.Delay(100);
            counts = BpfTool.Counts();
        }

        Assert.True(NoGrowth(counts, before), $"programs/maps/links before {before}, after {counts}");
    }

    private static bool NoGrowth((int Programs, int Maps, int Links) now, (int Programs, int Maps, int Links) before) =>
        now.Programs <= before.Programs && now.Maps <= before.Maps && now.Links <= before.Links;

    [SkippableFact]
    public async Task FiftyStartStopCyclesLeaveNoProgramsMapsLinksOrDescriptors()
    {
        KernelTestGuard.Require();
        using TestVeth veth = TestVeth.Create();
        var options = new AgentOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, AgentProcess.FreePort()),
            Config = new AgentConfig { Interfaces = [veth.Name] },
        };

        async Task CycleAsync()
        {
            WebApplication app = AgentHost.Build(options, LogLevel.Warning);
            await app.StartAsync();
            Assert.NotEqual(0u, NetworkInterfaces.AttachedXdpProgramId(NetworkInterfaces.IndexOf(veth.Name), veth.Name));
            await app.StopAsync();
            await app.DisposeAsync();
        }

        (int, int, int) before = BpfTool.Counts();
        await CycleAsync(); // the first start loads runtime pieces (sockets, timers) once per process
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Dictionary<string, int> fdsBefore = DescriptorsByKind();

        for (int i = 1; i < 50; i++)
        {
            await CycleAsync();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        await AssertNoGrowthAsync(before);
        Assert.Equal(0u, NetworkInterfaces.AttachedXdpProgramId(NetworkInterfaces.IndexOf(veth.Name), veth.Name));
        // A leak per cycle would show as 49 or more of a kind; a couple of sockets/pipes come and go with the runtime.
        Dictionary<string, int> fdsAfter = DescriptorsByKind();
        string describe = $"after one cycle: {string.Join(", ", fdsBefore)}; after 50: {string.Join(", ", fdsAfter)}";
        Assert.True(fdsAfter.GetValueOrDefault("bpf") <= fdsBefore.GetValueOrDefault("bpf"), describe);
        foreach (string kind in new[] { "socket", "pipe", "anon" })
        {
            Assert.True(fdsAfter.GetValueOrDefault(kind) <= fdsBefore.GetValueOrDefault(kind) + 2, describe);
        }
    }

    [SkippableFact]
    public async Task KillNineFailsOpenAndTheNextStartAttachesCleanlyTenTimes()
    {
        KernelTestGuard.Require();
        using TestVeth veth = TestVeth.Create();
        int ifindex = NetworkInterfaces.IndexOf(veth.Name);
        (int, int, int) before = BpfTool.Counts();
        for (int i = 0; i < 10; i++)
        {
            using AgentProcess agent = AgentProcess.Start($"interfaces: [{veth.Name}]\n");
            Assert.True(await agent.WaitReadyAsync(TimeSpan.FromSeconds(15)), $"cycle {i}: agent not ready:\n{agent.Output}");
            Assert.NotEqual(0u, NetworkInterfaces.AttachedXdpProgramId(ifindex, veth.Name));
            Assert.DoesNotContain("fail:", agent.Output, StringComparison.Ordinal);

            agent.Signal(AgentProcess.Sigkill);
            Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(5)));
            var clock = Stopwatch.StartNew();
            while (NetworkInterfaces.AttachedXdpProgramId(ifindex, veth.Name) != 0 && clock.Elapsed < TimeSpan.FromSeconds(3))
            {
                await Task.Delay(50);
            }

            Assert.True(NetworkInterfaces.AttachedXdpProgramId(ifindex, veth.Name) == 0, $"cycle {i}: XDP still attached after kill -9 (not fail-open)");
        }

        await AssertNoGrowthAsync(before);
    }
}
