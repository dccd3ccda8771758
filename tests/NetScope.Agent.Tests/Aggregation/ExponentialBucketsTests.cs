using System.Text.RegularExpressions;
using NetScope.Agent.Aggregation;
using NetScope.Agent.Tests.Configuration;

namespace NetScope.Agent.Tests.Aggregation;

public partial class ExponentialBucketsTests
{
    /// <summary>OTel's definition: value v (µs) is in bucket ceil(log2(v) · 2^scale) - 1.</summary>
    private static int OtelIndex(double microseconds) => (int)Math.Ceiling(Math.Log2(microseconds) * 4) - 1;

    [Fact]
    public void EveryBoundaryEqualsTheDoublePrecisionOtelDefinition()
    {
        for (int i = 0; i < ExponentialBuckets.Buckets; i++)
        {
            double exact = 1000 * Math.Pow(2, (i + 1) / 4.0);
            Assert.Equal(Math.Floor(exact), ExponentialBuckets.UpperBoundsNs[i]);
        }
    }

    [Fact]
    public void ValuesAroundEveryBoundaryLandInTheOtelBucket()
    {
        foreach (ulong bound in ExponentialBuckets.UpperBoundsNs)
        {
            foreach (ulong v in new[] { bound - 1, bound, bound + 1 })
            {
                Assert.Equal(OtelIndex(v / 1000.0) + 1, ExponentialBuckets.SlotOf(v));
            }
        }
    }

    [Theory]
    [InlineData(0UL, 0)]
    [InlineData(1000UL, 0)]
    [InlineData(1001UL, 1)]
    [InlineData(20_000_000UL, 58)] // 20 ms: bucket 57 = (2^14.25, 2^14.5] µs
    [InlineData(ulong.MaxValue, 105)]
    public void SlotsOfKnownValues(ulong valueNs, int slot) => Assert.Equal(slot, ExponentialBuckets.SlotOf(valueNs));

    [Fact]
    public void TheKernelHeaderTableIsTheExactTable()
    {
        string header = File.ReadAllText(Path.Combine(NetScope.Tests.Shared.RepoPaths.Root, "bpf", "include", "histogram.h"));
        string table = header[header.IndexOf("ns_exp_upper_ns[NS_EXP_BUCKETS] = {", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("};", StringComparison.Ordinal)];
        ulong[] values = Number().Matches(table).Select(m => ulong.Parse(m.Groups[1].Value)).ToArray();
        Assert.Equal(ExponentialBuckets.UpperBoundsNs, values);
    }

    [Fact]
    public void MergingToScaleZeroMovesWholeBuckets()
    {
        ulong[] slots = new ulong[ExponentialBuckets.Slots];
        slots[0] = 7;                                   // <= 1 µs
        slots[1] = 1; slots[2] = 2; slots[3] = 3; slots[4] = 4; // buckets 0..3 = (1, 2] µs
        slots[5] = 5;                                   // bucket 4 = (2, 2^1.25] µs
        slots[^1] = 9;                                  // overflow
        (double[] bounds, ulong[] counts) = ExponentialBuckets.Merge(slots, 0);
        Assert.Equal(27, bounds.Length);
        Assert.Equal([1e-6, 2e-6, 4e-6], bounds[..3]);
        Assert.Equal(Math.Pow(2, 26) * 1e-6, bounds[^1]);
        Assert.Equal([7UL, 10UL, 5UL], counts[..3]);
        Assert.Equal(9UL, counts[^1]);
        Assert.Equal(slots.Aggregate(0UL, (a, b) => a + b), counts.Aggregate(0UL, (a, b) => a + b));
    }

    [Fact]
    public void MergingAtTheKernelScaleKeepsEverySlot()
    {
        ulong[] slots = Enumerable.Range(0, ExponentialBuckets.Slots).Select(i => (ulong)i).ToArray();
        (double[] bounds, ulong[] counts) = ExponentialBuckets.Merge(slots, 2);
        Assert.Equal(slots, counts);
        Assert.Equal(ExponentialBuckets.Buckets + 1, bounds.Length);
    }

    [Fact]
    public void SlotCountMatchesTheCMirror() => Assert.Equal(ExponentialBuckets.Slots, NetScope.Agent.Probes.TcpLatHist.SlotCount);

    [GeneratedRegex(@"(\d+)ULL")]
    private static partial Regex Number();
}
