using NetScope.Bench;

namespace NetScope.Bench.Tests;

/// <summary>The statistics every benchmark verdict rests on.</summary>
public class MedianStatisticsTests
{
    [Theory]
    [InlineData(new[] { 3.0 }, 3.0)]
    [InlineData(new[] { 5.0, 1.0, 3.0 }, 3.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    public void TheMedianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes(double[] values, double median) =>
        Assert.Equal(median, Repo.Median(values));

    [Fact]
    public void TwelveRoundsGiveTheThirdAndTenthOrderStatistics()
    {
        // P(Binomial(12, 1/2) <= 2) = 79/4096 = 1.9 % <= 2.5 %, and <= 3 is 7.3 %: ranks 3 and 10, coverage 96.1 %.
        double[] values = Enumerable.Range(1, 12).Select(i => (double)i).Reverse().ToArray();
        Assert.Equal((3.0, 10.0), Repo.MedianConfidenceInterval(values));
    }

    [Theory]
    [InlineData(6, 1)]   // 1/64 = 1.6 %: the extremes already cover 96.9 %
    [InlineData(25, 8)]  // the probe bench's no-probe count: P(<= 7) = 2.2 %, P(<= 8) = 5.4 %
    [InlineData(100, 40)]
    public void TheRankIsTheLargestWhoseTailStaysWithinTwoAndAHalfPercent(int n, int k)
    {
        double[] values = Enumerable.Range(1, n).Select(i => (double)i).ToArray();
        Assert.Equal(((double)k, (double)(n + 1 - k)), Repo.MedianConfidenceInterval(values));
    }

    [Fact]
    public void BelowSixValuesTheIntervalIsTheWholeRange() =>
        Assert.Equal((1.0, 5.0), Repo.MedianConfidenceInterval([5, 4, 3, 2, 1]));
}
