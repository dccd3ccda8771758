using NetScope.Agent.Top;

namespace NetScope.Agent.Tests.Top;

public class DensityRampTests
{
    [Theory]
    [InlineData(0UL, 100UL, 0)]
    [InlineData(1UL, 100UL, 1)]
    [InlineData(10UL, 100UL, 4)]
    [InlineData(100UL, 100UL, DensityRamp.Levels)]
    [InlineData(1UL, 1UL, DensityRamp.Levels)]
    public void LevelsAreLogarithmicRelativeToTheMaximum(ulong count, ulong max, int level) =>
        Assert.Equal(level, DensityRamp.Level(count, max));

    [Fact]
    public void PlainCharactersGrowDenserAndEmptyIsBlank()
    {
        Assert.Equal(' ', DensityRamp.PlainCharacterOf(0));
        Assert.Equal('.', DensityRamp.PlainCharacterOf(1));
        Assert.Equal('@', DensityRamp.PlainCharacterOf(DensityRamp.Levels));
    }
}
