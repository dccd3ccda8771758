using NetScope.Agent.Events;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Tests.Events;

public class RecentEventsTests
{
    private static TcpEventRecord[] Records(ulong first, ulong last)
    {
        var records = new TcpEventRecord[last - first + 1];
        for (ulong ns = first; ns <= last; ns++)
        {
            records[ns - first] = new TcpEventRecord { Type = TcpEventType.SlowRequest, Role = TcpRole.Server, TimestampNs = ns };
        }

        return records;
    }

    /// <summary>One ring reader pass: notes each record where it lies (pinned, as the ring's pages are), then flushes.</summary>
    private static void Pass(RecentEvents recent, TcpEventRecord[] records)
    {
        var pinned = System.Runtime.InteropServices.GCHandle.Alloc(records, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            foreach (ref readonly TcpEventRecord record in records.AsSpan())
            {
                recent.Note(in record);
            }

            recent.Flush();
        }
        finally
        {
            pinned.Free();
        }
    }

    private static IEnumerable<ulong> Times(List<TcpEventRecord> records) => records.Select(e => e.TimestampNs);

    [Fact]
    public void KeepsTheNewestUpToCapacityNewestFirst()
    {
        var recent = new RecentEvents(3);
        Pass(recent, Records(1, 2));
        Pass(recent, Records(3, 5));

        Assert.Equal([5UL, 4UL, 3UL], Times(recent.Newest(10)));
        Assert.Equal([5UL, 4UL], Times(recent.Newest(2)));
        Assert.Equal(5, recent.Added);
    }

    [Fact]
    public void APassLongerThanTheCapacityKeepsItsNewestAndCountsEveryRecord()
    {
        var recent = new RecentEvents(4);
        Pass(recent, Records(1, 3));
        Pass(recent, Records(4, 1000));

        Assert.Equal([1000UL, 999UL, 998UL, 997UL], Times(recent.Newest(10)));
        Assert.Equal(1000, recent.Added);

        // A short pass after the circle wrapped many times still lands in order.
        Pass(recent, Records(1001, 1002));
        Assert.Equal([1002UL, 1001UL, 1000UL, 999UL], Times(recent.Newest(10)));
    }

    [Fact]
    public void NothingNotedIsVisibleBeforeTheFlush()
    {
        var recent = new RecentEvents(3);
        TcpEventRecord[] records = Records(1, 1);
        var pinned = System.Runtime.InteropServices.GCHandle.Alloc(records, System.Runtime.InteropServices.GCHandleType.Pinned);
        try
        {
            recent.Note(in records[0]);
            Assert.Empty(recent.Newest(10));
            Assert.Equal(0, recent.Added);
            recent.Flush();
            Assert.Equal([1UL], Times(recent.Newest(10)));
        }
        finally
        {
            pinned.Free();
        }
    }

    [Fact]
    public void ZeroCapacityKeepsNothingButCounts()
    {
        var recent = new RecentEvents(0);
        Pass(recent, Records(1, 5));
        Assert.Empty(recent.Newest(10));
        Assert.Equal(5, recent.Added);
    }
}
