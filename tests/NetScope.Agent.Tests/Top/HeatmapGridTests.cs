using NetScope.Agent.Top;
using static NetScope.Agent.Tests.Top.TopFixtures;

namespace NetScope.Agent.Tests.Top;

public class HeatmapGridTests
{
    [Fact]
    public void RowsSpanTheBusyBucketsWithOneOfContextSlowestFirst()
    {
        HeatmapGrid grid = HeatmapGrid.Build(Detail(Column(1, 5, 7), Column(2, 1, 10)), 10, 20);
        Assert.Equal([11, 10, 9, 8, 7, 6], grid.BucketIndexes);
        Assert.Equal(5UL, grid.MaxCount);
        Assert.Equal(0, grid.HiddenFasterRows);
    }

    [Fact]
    public void NewestColumnIsAtTheRightEdgeAndEarlierTimeIsBlank()
    {
        HeatmapGrid grid = HeatmapGrid.Build(Detail(Column(1, 5, 7), Column(2, 3, 7)), 6, 20);
        ulong[] row = grid.Cells[grid.BucketIndexes.ToList().IndexOf(7)];
        Assert.Equal([0UL, 0, 0, 0, 5, 3], row);
        Assert.Equal(2, grid.DataColumns);
    }

    [Fact]
    public void OnlyTheNewestColumnsThatFitAreShown()
    {
        HeatmapGrid grid = HeatmapGrid.Build(Detail(Column(1, 9, 3), Column(2, 1, 7), Column(3, 2, 7)), 2, 20);
        Assert.DoesNotContain(3, grid.BucketIndexes);
        Assert.Equal(2UL, grid.MaxCount);
    }

    [Fact]
    public void TooManyRowsKeepTheSlowEnd()
    {
        HeatmapGrid grid = HeatmapGrid.Build(Detail(Column(1, 1, 2, 20)), 4, 5);
        Assert.Equal([21, 20, 19, 18, 17], grid.BucketIndexes);
        Assert.Equal(1, grid.HiddenFasterRows);
    }

    [Fact]
    public void OneBusyBucketStillGetsTheMinimumRows()
    {
        HeatmapGrid grid = HeatmapGrid.Build(Detail(Column(1, 4, 0)), 4, 20);
        Assert.Equal(HeatmapGrid.MinimumRows, grid.BucketIndexes.Count);
        Assert.Contains(0, grid.BucketIndexes);
    }

    [Fact]
    public void AnEmptyWindowHasNoRows()
    {
        HeatmapGrid grid = HeatmapGrid.Build(Detail(Column(1, 0, 3)), 4, 20);
        Assert.Empty(grid.BucketIndexes);
        Assert.Equal(1, grid.DataColumns);
    }
}
