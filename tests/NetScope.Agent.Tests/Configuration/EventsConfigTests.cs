using NetScope.Agent.Configuration;

namespace NetScope.Agent.Tests.Configuration;

public class EventsConfigTests
{
    private static string OnlyError(string yaml) =>
        Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, "e.yaml")).Errors);

    [Fact]
    public void DefaultsAreBoundedAndPrivate()
    {
        EventsSettings events = ConfigLoader.Parse(EmbeddedDefaultConfig.Text, EmbeddedDefaultConfig.SourceName).Events;
        Assert.Equal(TimeSpan.FromMilliseconds(200), events.SlowThreshold);
        Assert.True(events.ConnectionClose);
        Assert.Equal(1000, events.Budget);
        Assert.Equal(256 * 1024, events.RingSize);
        Assert.False(events.ExposeAddresses);
    }

    [Fact]
    public void ReadsEveryKey()
    {
        EventsSettings events = ConfigLoader.Parse(
            "events:\n  slow_threshold: off\n  connection_close: false\n  budget: 50\n  ring_size: 8192\n  keep: 5\n  expose_addresses: true\n",
            "e.yaml").Events;
        Assert.Equal(new EventsSettings(null, false, 50, 8192, 5, true), events);
        Assert.Equal(TimeSpan.FromMilliseconds(50), ConfigLoader.Parse("events: {slow_threshold: 50ms}\n", "e.yaml").Events.SlowThreshold);
    }

    [Theory]
    [InlineData("events: {ring_size: 10000}\n", "e.yaml:1:21: events.ring_size: 10000 is not a power of two (e.g. 262144)")]
    [InlineData("events: {ring_size: 1024}\n", "e.yaml:1:21: events.ring_size: '1024' must be a whole number from 4096 to 67108864")]
    [InlineData("events: {budget: 0}\n", "e.yaml:1:18: events.budget: '0' must be a whole number from 1 to 10000000")]
    [InlineData("events: {slow_threshold: fast}\n", "e.yaml:1:26: events.slow_threshold: 'fast' is not a duration like 500ms, 10s, 5m or 1h")]
    [InlineData("events:\n  sample: 2\n", "e.yaml:2:3: events: unknown key 'sample' (known here: slow_threshold, connection_close, budget, ring_size, keep, expose_addresses)")]
    public void BadValuesNameTheirPlace(string yaml, string expected) => Assert.Equal(expected, OnlyError(yaml));
}
