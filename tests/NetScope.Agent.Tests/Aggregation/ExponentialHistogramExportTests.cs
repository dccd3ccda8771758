using NetScope.Agent.Aggregation;
using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Tests.Aggregation;

public class ExponentialHistogramExportTests
{
    private static readonly KeyValuePair<string, string>[] s_attributes = [new("role", "server"), new("port", "80")];

    private static ulong[] Slots(params (int Slot, ulong Count)[] counts)
    {
        ulong[] slots = new ulong[ExponentialBuckets.Slots];
        foreach ((int slot, ulong count) in counts)
        {
            slots[slot] = count;
        }

        return slots;
    }

    [Fact]
    public void KernelBucketIIsOtelIndexIAtScale2InMicroseconds()
    {
        // Slot 1 + i holds (2^(i/4), 2^((i+1)/4)] µs: 10 µs is in slot 1 + 13 (2^(13/4) = 9.51 < 10 ≤ 2^(14/4) = 11.3).
        int slot = ExponentialBuckets.SlotOf(10_000);
        Assert.Equal(14, slot);
        ExponentialHistogramSeries series = ExponentialHistogramExport.FromSlots(s_attributes, Slots((slot, 5)), 50_000);
        Assert.Equal(2, series.Scale);
        Assert.Equal(13, series.PositiveOffset);
        Assert.Equal([5UL], series.PositiveCounts);
        double lower = Math.Pow(2, series.PositiveOffset / 4.0), upper = Math.Pow(2, (series.PositiveOffset + 1) / 4.0);
        Assert.True(lower < 10 && 10 <= upper);
        Assert.Equal(50.0, series.Sum); // µs
        Assert.Equal(5UL, series.Count);
        Assert.Equal(s_attributes, series.Attributes);
    }

    [Fact]
    public void SlotZeroIsTheZeroBucketUpToOneMicrosecond()
    {
        ExponentialHistogramSeries series = ExponentialHistogramExport.FromSlots(s_attributes, Slots((0, 4)), 2_000);
        Assert.Equal(4UL, series.ZeroCount);
        Assert.Equal(1.0, series.ZeroThreshold);
        Assert.Empty(series.PositiveCounts);
        Assert.Equal(0, series.PositiveOffset);
        Assert.Equal(4UL, series.Count);
    }

    [Fact]
    public void OverflowIsTheBucketAboveTheKernelRangeSoCountStaysTheSumOfBuckets()
    {
        Assert.Equal(ExponentialBuckets.Slots - 1, ExponentialBuckets.SlotOf(70_000_000_000));
        ExponentialHistogramSeries series = ExponentialHistogramExport.FromSlots(
            s_attributes, Slots((0, 1), (1, 2), (104, 3), (105, 4)), 0);
        Assert.Equal(0, series.PositiveOffset);
        Assert.Equal(105, series.PositiveCounts.Count); // indexes 0..104
        Assert.Equal(2UL, series.PositiveCounts[0]);
        Assert.Equal(3UL, series.PositiveCounts[103]); // (2^25.75, 2^26] µs: the kernel's last bucket
        Assert.Equal(4UL, series.PositiveCounts[ExponentialHistogramExport.OverflowIndex]);
        Assert.Equal(10UL, series.Count);
    }

    [Fact]
    public void EmptyBucketsAtBothEndsAreLeftOutButInnerOnesKept()
    {
        ExponentialHistogramSeries series = ExponentialHistogramExport.FromSlots(s_attributes, Slots((41, 1), (44, 2)), 0);
        Assert.Equal(40, series.PositiveOffset);
        Assert.Equal([1UL, 0, 0, 2], series.PositiveCounts);
    }

    [Fact]
    public void MergedToScaleZeroTheBucketsAreThePrometheusOnes()
    {
        // Every kernel slot with a distinct count; merging OTel indexes i >> 2 must give ExponentialBuckets.Merge's counts.
        ulong[] slots = [.. Enumerable.Range(0, ExponentialBuckets.Slots).Select(i => (ulong)(i * 7 % 11))];
        ExponentialHistogramSeries series = ExponentialHistogramExport.FromSlots(s_attributes, slots, 0);
        (_, ulong[] prometheus) = ExponentialBuckets.Merge(slots, 0);
        ulong[] merged = new ulong[prometheus.Length];
        merged[0] = series.ZeroCount;
        for (int k = 0; k < series.PositiveCounts.Count; k++)
        {
            merged[1 + ((series.PositiveOffset + k) >> 2)] += series.PositiveCounts[k];
        }

        Assert.Equal(prometheus, merged); // the overflow bucket (index 104 → 26) is Prometheus' +Inf
    }
}
