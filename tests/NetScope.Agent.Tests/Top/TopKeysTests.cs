using NetScope.Agent.Top;
using static NetScope.Agent.Tests.Top.TopFixtures;

namespace NetScope.Agent.Tests.Top;

public class TopKeysTests
{
    [Theory]
    [InlineData(ConsoleKey.DownArrow, '\0', false, (int)TopAction.NextSeries)]
    [InlineData(ConsoleKey.J, 'j', false, (int)TopAction.NextSeries)]
    [InlineData(ConsoleKey.Tab, '\t', false, (int)TopAction.NextSeries)]
    [InlineData(ConsoleKey.Tab, '\t', true, (int)TopAction.PreviousSeries)]
    [InlineData(ConsoleKey.UpArrow, '\0', false, (int)TopAction.PreviousSeries)]
    [InlineData(ConsoleKey.K, 'k', false, (int)TopAction.PreviousSeries)]
    [InlineData(ConsoleKey.Q, 'q', false, (int)TopAction.Quit)]
    [InlineData(ConsoleKey.X, 'x', false, (int)TopAction.None)]
    public void KeysMapToActions(ConsoleKey key, char character, bool shift, int action) =>
        Assert.Equal((TopAction)action, TopKeys.Map(new ConsoleKeyInfo(character, key, shift, alt: false, control: false)));

    [Fact]
    public void WithoutSelectionTheBusiestSeriesIsChosen()
    {
        var series = Overview(Series("client", "5432", 10), Series("server", "80", 5210)).Series;
        Assert.Equal(new SeriesKey("server", "80"), TopKeys.Select(series, null, TopAction.None));
        Assert.Equal(new SeriesKey("server", "80"), TopKeys.Select(series, new SeriesKey("server", "9"), TopAction.NextSeries));
    }

    [Fact]
    public void BusiestKeepsTheCurrentSeriesOnATieAndMovesWhenAnotherIsBusier()
    {
        var idle = Overview(Series("server", "0", 0), Series("server", "80", 0)).Series;
        Assert.Equal(new SeriesKey("server", "80"), TopKeys.Busiest(idle, new SeriesKey("server", "80")));
        var busy = Overview(Series("server", "0", 0), Series("server", "80", 7)).Series;
        Assert.Equal(new SeriesKey("server", "80"), TopKeys.Busiest(busy, new SeriesKey("server", "0")));
        Assert.Null(TopKeys.Busiest([], null));
    }

    [Fact]
    public void SelectionWrapsBothWays()
    {
        var series = Overview(Series("client", "5432", 10), Series("server", "80", 5210)).Series;
        Assert.Equal(new SeriesKey("client", "5432"), TopKeys.Select(series, new SeriesKey("server", "80"), TopAction.NextSeries));
        Assert.Equal(new SeriesKey("server", "80"), TopKeys.Select(series, new SeriesKey("client", "5432"), TopAction.PreviousSeries));
        Assert.Null(TopKeys.Select([], null, TopAction.NextSeries));
    }
}
