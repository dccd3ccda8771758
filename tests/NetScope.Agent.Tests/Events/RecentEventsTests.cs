using NetScope.Agent.Events;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Tests.Events;

public class RecentEventsTests
{
    private static TcpEventRecord At(ulong ns) => new() { Type = TcpEventType.SlowRequest, Role = TcpRole.Server, TimestampNs = ns };

    [Fact]
    public void KeepsTheNewestUpToCapacityNewestFirst()
    {
        var recent = new RecentEvents(3);
        for (ulong i = 1; i <= 5; i++)
        {
            recent.Add(At(i));
        }

        Assert.Equal([5UL, 4UL, 3UL], recent.Newest(10).Select(e => e.TimestampNs));
        Assert.Equal([5UL, 4UL], recent.Newest(2).Select(e => e.TimestampNs));
        Assert.Equal(5, recent.Added);
    }

    [Fact]
    public void ZeroCapacityKeepsNothing()
    {
        var recent = new RecentEvents(0);
        recent.Add(At(1));
        Assert.Empty(recent.Newest(10));
    }
}
