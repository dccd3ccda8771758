using NetScope.Agent.Aggregation;

namespace NetScope.Agent.Tests.Aggregation;

public class HistogramQuantileTests
{
    private static readonly double[] s_bounds = [1, 2, 4, 8];

    [Fact]
    public void AnEmptyHistogramHasNoQuantile()
    {
        Assert.Null(HistogramQuantile.UpperBound([0, 0, 0, 0, 0], s_bounds, 0.5));
        Assert.Null(HistogramQuantile.OfSlots(new ulong[ExponentialBuckets.Slots], 0.99));
    }

    [Theory]
    [InlineData(0.5, 2)]   // rank 50 of 100: cumulative 10, 60 → bucket (1, 2]
    [InlineData(0.1, 1)]   // rank 10: exactly the first bucket's last observation
    [InlineData(0.11, 2)]
    [InlineData(0.9, 4)]   // rank 90: cumulative 90 at (2, 4]
    [InlineData(0.99, 8)]  // rank 99 (not 100, despite 0.99 * 100 rounding up in binary)
    [InlineData(1.0, 8)]   // the +Inf bucket answers the largest finite bound
    public void TheQuantileIsTheUpperBoundOfItsBucket(double q, double expected)
    {
        ulong[] counts = [10, 50, 30, 9, 1];
        Assert.Equal(expected, HistogramQuantile.UpperBound(counts, s_bounds, q));
    }

    [Fact]
    public void ASingleObservationIsEveryQuantile()
    {
        ulong[] counts = [0, 0, 1, 0, 0];
        Assert.Equal(4, HistogramQuantile.UpperBound(counts, s_bounds, 0.01));
        Assert.Equal(4, HistogramQuantile.UpperBound(counts, s_bounds, 1));
    }

    [Fact]
    public void SlotsUseTheKernelBoundsInSeconds()
    {
        ulong[] slots = new ulong[ExponentialBuckets.Slots];
        ulong twentyMs = 20_000_000;
        slots[ExponentialBuckets.SlotOf(twentyMs)] = 100;
        double p50 = HistogramQuantile.OfSlots(slots, 0.5)!.Value;
        Assert.InRange(p50, 0.020, 0.020 * Math.Pow(2, 0.25));
        Assert.Equal(ExponentialBuckets.UpperBoundsNs[ExponentialBuckets.SlotOf(twentyMs) - 1] / 1e9, p50, 9);
    }

    [Fact]
    public void BadArgumentsThrow()
    {
        Assert.Throws<ArgumentException>(() => HistogramQuantile.UpperBound([1, 2], s_bounds, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => HistogramQuantile.UpperBound([1, 0, 0, 0, 0], s_bounds, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HistogramQuantile.UpperBound([1, 0, 0, 0, 0], s_bounds, 1.5));
    }
}
