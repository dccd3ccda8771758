using NetScope.Agent.Events;

namespace NetScope.Agent.Tests.Events;

public class EventSamplingTests
{
    [Theory]
    [InlineData(0, 500, 1000, 0)]      // under budget: keep all
    [InlineData(0, 1000, 1000, 0)]     // at budget: keep all
    [InlineData(0, 1001, 1000, 1)]     // just over: one in two
    [InlineData(0, 100_000, 1000, 7)]  // 100k/2^7 = 781 <= 1000; 2^6 would keep 1562
    [InlineData(2, 100_000, 1000, 7)]  // raises straight to what is needed
    public void RaisesAtOnceToTheSmallestShiftWithinBudget(int current, double offered, double budget, int expected) =>
        Assert.Equal(expected, EventSampling.NextShift(current, offered, budget, maxShift: 16));

    [Fact]
    public void LowersOneStepOnlyWellBelowTheBudget()
    {
        // At shift 3 with 6000/s offered: shift 2 would keep 1500 > 1000, so stay.
        Assert.Equal(3, EventSampling.NextShift(3, 6000, 1000, 16));

        // 5000/s: shift 2 keeps 1250 (> 750): stay at 3 although 3 is more than needed... no: needed is 3 (625), stay.
        Assert.Equal(3, EventSampling.NextShift(3, 5000, 1000, 16));

        // 2800/s: needed 2 (700), and shift 2 keeps 700 <= 750: lower one step.
        Assert.Equal(2, EventSampling.NextShift(3, 2800, 1000, 16));

        // 3500/s: needed 2 (875 <= 1000) but shift 2 keeps 875 > 750: hold (no flapping near the budget).
        Assert.Equal(3, EventSampling.NextShift(3, 3500, 1000, 16));

        // Load gone: one step per period, not straight to 0.
        Assert.Equal(4, EventSampling.NextShift(5, 0, 1000, 16));
    }

    [Fact]
    public void NeverExceedsTheKernelsLimit() => Assert.Equal(16, EventSampling.NextShift(0, 1e12, 1, maxShift: 16));

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(1, 0.5)]
    [InlineData(4, 0.0625)]
    public void RatioIsTheFractionKept(int shift, double ratio) => Assert.Equal(ratio, EventSampling.Ratio(shift));
}
