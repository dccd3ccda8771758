using NetScope.Agent.Aggregation;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Tests.Aggregation;

public class HeatmapStoreTests
{
    private static readonly DateTimeOffset s_t0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int seconds) => s_t0.AddSeconds(seconds);

    /// <summary>A cumulative series with <paramref name="perSlot"/> counts (slot → count) and 1 ms per request.</summary>
    private static TcpLatencySeries Cumulative(ushort port, params (int Slot, ulong Count)[] perSlot)
    {
        ulong[] slots = new ulong[ExponentialBuckets.Slots];
        ulong count = 0;
        foreach ((int slot, ulong c) in perSlot)
        {
            slots[slot] += c;
            count += c;
        }

        return new TcpLatencySeries(TcpRole.Server, port, slots, count * 1_000_000, count);
    }

    [Fact]
    public void TheFirstSnapshotOnlySetsTheBaseline()
    {
        var store = new HeatmapStore(10);
        store.Add(At(0), [Cumulative(80, (5, 7))]);
        Assert.Empty(store.GetColumns(TcpRole.Server, 80)!);
        LatencySeriesWindow window = Assert.Single(store.ListSeries());
        Assert.Equal(0UL, window.Count);
        Assert.Equal(0, window.RatePerSecond);
    }

    [Fact]
    public void ColumnsAreTheDeltasBetweenSnapshots()
    {
        var store = new HeatmapStore(10);
        store.Add(At(0), [Cumulative(80, (5, 7))]);
        store.Add(At(1), [Cumulative(80, (5, 10), (9, 2))]);
        store.Add(At(2), [Cumulative(80, (5, 10), (9, 2))]);
        store.Add(At(3), [Cumulative(80, (5, 11), (9, 6))]);

        List<LatencyColumn> columns = store.GetColumns(TcpRole.Server, 80)!;
        Assert.Equal([At(1), At(2), At(3)], columns.Select(c => c.Time));
        Assert.Equal([5UL, 0, 5], columns.Select(c => c.Count));
        Assert.Equal(3UL, columns[0].Slots[5]);
        Assert.Equal(2UL, columns[0].Slots[9]);
        Assert.Equal(1UL, columns[2].Slots[5]);
        Assert.Equal(4UL, columns[2].Slots[9]);
        Assert.Equal(5_000_000UL, columns[0].SumNs);
        Assert.All(columns, c => Assert.Equal(TimeSpan.FromSeconds(1), c.Duration));

        LatencySeriesWindow window = Assert.Single(store.ListSeries());
        Assert.Equal(10UL, window.Count);
        Assert.Equal(10 / 3.0, window.RatePerSecond, 9);
        Assert.Equal(4UL, window.Slots[5]);
        Assert.Equal(6UL, window.Slots[9]);
    }

    [Fact]
    public void ASeriesThatAppearsLaterCountsFromZero()
    {
        var store = new HeatmapStore(10);
        store.Add(At(0), []);
        store.Add(At(1), [Cumulative(8080, (20, 4))]);
        LatencyColumn column = Assert.Single(store.GetColumns(TcpRole.Server, 8080)!);
        Assert.Equal(4UL, column.Count);
        Assert.Equal(TimeSpan.FromSeconds(1), column.Duration);
    }

    [Fact]
    public void AValueThatGoesDownIsAReset()
    {
        var store = new HeatmapStore(10);
        store.Add(At(0), [Cumulative(80, (5, 100))]);
        store.Add(At(1), [Cumulative(80, (5, 100), (6, 3))]);
        store.Add(At(2), [Cumulative(80, (5, 2))]);
        store.Add(At(3), [Cumulative(80, (5, 5))]);
        List<LatencyColumn> columns = store.GetColumns(TcpRole.Server, 80)!;
        Assert.Equal([3UL, 2, 3], columns.Select(c => c.Count));
        Assert.Equal(2UL, columns[1].Slots[5]);
        Assert.Equal(0UL, columns[1].Slots[6]);
        Assert.Equal(2_000_000UL, columns[1].SumNs);
    }

    [Fact]
    public void TheRingKeepsTheNewestColumnsOldestFirst()
    {
        var store = new HeatmapStore(3);
        for (int t = 0; t <= 7; t++)
        {
            store.Add(At(t), [Cumulative(80, (1, (ulong)(t * t)))]);
        }

        List<LatencyColumn> columns = store.GetColumns(TcpRole.Server, 80)!;
        Assert.Equal([At(5), At(6), At(7)], columns.Select(c => c.Time));
        Assert.Equal([9UL, 11, 13], columns.Select(c => c.Count));
        Assert.Equal(33UL, Assert.Single(store.ListSeries()).Count);
    }

    [Fact]
    public void ReturnedColumnsAreCopies()
    {
        var store = new HeatmapStore(1);
        store.Add(At(0), [Cumulative(80)]);
        store.Add(At(1), [Cumulative(80, (1, 1))]);
        LatencyColumn before = Assert.Single(store.GetColumns(TcpRole.Server, 80)!);
        store.Add(At(2), [Cumulative(80, (1, 1), (2, 5))]);
        Assert.Equal(1UL, before.Slots[1]);
        Assert.Equal(0UL, before.Slots[2]);
        Assert.Equal(5UL, Assert.Single(store.GetColumns(TcpRole.Server, 80)!).Slots[2]);
    }

    [Fact]
    public void SeriesMissingForColumnsSnapshotsAreDropped()
    {
        var store = new HeatmapStore(3);
        store.Add(At(0), [Cumulative(80, (1, 1)), Cumulative(443, (1, 1))]);
        store.Add(At(1), [Cumulative(80, (1, 2))]);
        store.Add(At(2), [Cumulative(80, (1, 3))]);
        Assert.NotNull(store.GetColumns(TcpRole.Server, 443));
        store.Add(At(3), [Cumulative(80, (1, 4))]);
        Assert.Null(store.GetColumns(TcpRole.Server, 443));
        Assert.Equal(1, store.SeriesCount);
        Assert.Equal([80], store.ListSeries().Select(s => (int)s.Port));
    }

    [Fact]
    public void AGapWidensTheNextColumn()
    {
        var store = new HeatmapStore(5);
        store.Add(At(0), [Cumulative(80, (1, 1))]);
        store.Add(At(1), []);
        store.Add(At(3), [Cumulative(80, (1, 7))]);
        LatencyColumn column = Assert.Single(store.GetColumns(TcpRole.Server, 80)!);
        Assert.Equal(TimeSpan.FromSeconds(3), column.Duration);
        Assert.Equal(2.0, Assert.Single(store.ListSeries()).RatePerSecond, 9);
    }

    [Fact]
    public void RolesAndPortsAreSeparateSeriesListedInOrder()
    {
        var store = new HeatmapStore(5);
        TcpLatencySeries client = Cumulative(80, (1, 1)) with { Role = TcpRole.Client };
        store.Add(At(0), [client, Cumulative(443), Cumulative(80)]);
        Assert.Equal(
            [(TcpRole.Server, (ushort)80), (TcpRole.Server, (ushort)443), (TcpRole.Client, (ushort)80)],
            store.ListSeries().Select(s => (s.Role, s.Port)));
    }

    [Fact]
    public void WrongSlotCountsAreRejected()
    {
        var store = new HeatmapStore(5);
        Assert.Throws<ArgumentException>(() => store.Add(At(0), [new TcpLatencySeries(TcpRole.Server, 80, new ulong[3], 0, 0)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeatmapStore(0));
    }
}
