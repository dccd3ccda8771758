using System.Buffers.Binary;
using NetScope.Agent.Aggregation;
using NetScope.Native;

namespace NetScope.Kernel.Tests;

/// <summary>
/// The kernel's histogram slot function (ns_hist_slot in bpf/include/histogram.h, branch-free) puts every value
/// in the slot ExponentialBuckets.SlotOf gives: at each bucket bound and one either side, at each power of two
/// (where its log2 step changes) and at random values. It runs in the kernel through the test-only program
/// tests/bpf/hist_slot.bpf.c (built by `make test-bpf`) and BPF_PROG_TEST_RUN.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class HistogramSlotTests
{
    private static readonly string s_objectPath = Path.Combine(NetScope.Tests.Shared.RepoPaths.Root, "build", "test-bpf", "hist_slot.bpf.o");

    [SkippableFact]
    public void KernelSlotsMatchTheUserSpaceBuckets()
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        Assert.True(File.Exists(s_objectPath), $"{s_objectPath} is missing: run `make test-bpf`.");

        using BpfObject bpf = BpfObject.OpenFile(s_objectPath);
        bpf.Load();
        BpfProgram program = bpf.FindProgram("hist_slot");

        List<string> wrong = [];
        foreach (ulong value in Values())
        {
            int expected = ExponentialBuckets.SlotOf(value);
            int actual = KernelSlot(program, value);
            if (actual != expected)
            {
                wrong.Add($"{value} ns: kernel slot {actual}, expected {expected}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong.Take(20)));
    }

    private static int KernelSlot(BpfProgram program, ulong value)
    {
        byte[] packet = new byte[64];   // XDP test runs need at least an Ethernet header's worth
        BinaryPrimitives.WriteUInt64LittleEndian(packet, value);
        BpfTestRunResult result = BpfTestRun.Run(program, packet);
        Assert.Equal(2u, result.ReturnValue);   // XDP_PASS: the program read the value
        return (int)BinaryPrimitives.ReadUInt32LittleEndian(result.DataOut.AsSpan(sizeof(ulong)));
    }

    private static SortedSet<ulong> Values()
    {
        var values = new SortedSet<ulong> { 0, 1, 999, 1000, 1001 };
        foreach (ulong bound in ExponentialBuckets.UpperBoundsNs)
        {
            values.UnionWith([bound - 1, bound, bound + 1]);
        }

        for (int bit = 0; bit < 63; bit++)
        {
            ulong power = 1UL << bit;
            values.UnionWith([power - 1, power, power + 1]);
        }

        var random = new Random(20261126);
        for (int i = 0; i < 2000; i++)
        {
            values.Add((ulong)random.NextInt64(1, 100_000_000_000));
        }

        values.UnionWith([long.MaxValue, ulong.MaxValue]);
        return values;
    }
}
