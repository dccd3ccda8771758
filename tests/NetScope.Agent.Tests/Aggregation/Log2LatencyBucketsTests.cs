using NetScope.Agent.Aggregation;

namespace NetScope.Agent.Tests.Aggregation;

public class Log2LatencyBucketsTests
{
    [Theory]
    [InlineData(0UL, 0)]
    [InlineData(1000UL, 0)]
    [InlineData(1001UL, 1)]
    [InlineData(2000UL, 1)]
    [InlineData(2001UL, 2)]
    [InlineData(20_000_000UL, 15)] // 20 ms: (16.384 ms, 32.768 ms]
    [InlineData(1000UL << 25, 25)]
    [InlineData((1000UL << 25) + 1, 26)]
    [InlineData(ulong.MaxValue, 26)]
    public void SlotsMatchTheKernelComparisons(ulong valueNs, int slot) => Assert.Equal(slot, Log2LatencyBuckets.SlotOf(valueNs));

    [Fact]
    public void UpperBoundsAreMicrosecondPowersOfTwoInSeconds()
    {
        IReadOnlyList<double> bounds = Log2LatencyBuckets.UpperBoundsSeconds;
        Assert.Equal(Log2LatencyBuckets.FiniteSlots, bounds.Count);
        Assert.Equal(1e-6, bounds[0]);
        for (int i = 1; i < bounds.Count; i++)
        {
            Assert.Equal(bounds[i - 1] * 2, bounds[i], 15);
        }
    }

    [Fact]
    public void EverySlotBoundaryIsInclusive()
    {
        for (int slot = 0; slot < Log2LatencyBuckets.FiniteSlots; slot++)
        {
            ulong bound = Log2LatencyBuckets.UpperBoundNs(slot);
            Assert.Equal(slot, Log2LatencyBuckets.SlotOf(bound));
            Assert.Equal(slot + 1, Log2LatencyBuckets.SlotOf(bound + 1));
        }
    }

    [Fact]
    public void SlotCountMatchesTheCMirror() => Assert.Equal(Log2LatencyBuckets.Slots, NetScope.Agent.Probes.TcpLatHist.SlotCount);
}
