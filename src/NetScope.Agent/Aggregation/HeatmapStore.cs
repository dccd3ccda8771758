using NetScope.Agent.Probes;

namespace NetScope.Agent.Aggregation;

/// <summary>One heatmap column: what one series counted between two snapshots.</summary>
/// <param name="Time">Time of the snapshot that closed the column.</param>
/// <param name="Duration">Time since the series' previous snapshot (the column's width).</param>
/// <param name="Slots">Requests per kernel slot (<see cref="ExponentialBuckets.Slots"/> entries).</param>
/// <param name="Count">Requests in the column: the sum of <paramref name="Slots"/>.</param>
/// <param name="SumNs">Sum of the requests' latencies in nanoseconds.</param>
internal sealed record LatencyColumn(DateTimeOffset Time, TimeSpan Duration, ulong[] Slots, ulong Count, ulong SumNs);

/// <summary>One series summed over the columns kept.</summary>
/// <param name="Role">Socket role.</param>
/// <param name="Port">Port of the series.</param>
/// <param name="Count">Requests in the window.</param>
/// <param name="RatePerSecond">Count divided by the time the window's columns cover; 0 without columns.</param>
/// <param name="Slots">Requests per kernel slot over the window.</param>
internal sealed record LatencySeriesWindow(TcpRole Role, ushort Port, ulong Count, double RatePerSecond, ulong[] Slots);

/// <summary>
/// Turns successive cumulative snapshots of the kernel latency histograms into per-interval columns and
/// keeps the last <see cref="Columns"/> columns of each (role, port) series. Pure and thread-safe: the
/// caller supplies the time and the snapshots; readers get copies.
/// </summary>
/// <remarks>
/// Baselines: the store's first snapshot only sets them (what came before is unknown). A series that
/// first appears in a later snapshot was created in the kernel since the previous one, so its whole
/// value is that interval's delta; treating it as a baseline would drop the first interval of every new
/// series. A value that goes down (probe reattached, map entry evicted and recreated) is a reset: the
/// column's delta is the new cumulative value.
/// </remarks>
internal sealed class HeatmapStore
{
    private readonly Dictionary<(TcpRole Role, ushort Port), Series> _series = [];
    private readonly Lock _gate = new();
    private long _tick;
    private DateTimeOffset? _previousTime;

    public HeatmapStore(int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        Columns = columns;
    }

    /// <summary>Columns kept per series; also the number of snapshots a series may be missing before it is dropped.</summary>
    public int Columns { get; }

    /// <summary>Number of series tracked (with or without columns).</summary>
    public int SeriesCount
    {
        get
        {
            lock (_gate)
            {
                return _series.Count;
            }
        }
    }

    /// <summary>Adds one snapshot of every series' cumulative histogram, taken at <paramref name="time"/>.</summary>
    public void Add(DateTimeOffset time, IReadOnlyList<TcpLatencySeries> cumulative)
    {
        foreach (TcpLatencySeries s in cumulative)
        {
            if (s.Slots.Length != ExponentialBuckets.Slots)
            {
                throw new ArgumentException($"series {s.Role}/{s.Port}: expected {ExponentialBuckets.Slots} slots, got {s.Slots.Length}", nameof(cumulative));
            }
        }

        lock (_gate)
        {
            _tick++;
            DateTimeOffset? previous = _previousTime;
            _previousTime = time;
            foreach (TcpLatencySeries s in cumulative)
            {
                if (!_series.TryGetValue((s.Role, s.Port), out Series? series))
                {
                    series = new Series(Columns);
                    _series.Add((s.Role, s.Port), series);
                    if (previous is not DateTimeOffset since)
                    {
                        series.SetBaseline(s, time, _tick);
                        continue;
                    }

                    // Created since the previous snapshot: the zero baseline dates from then.
                    series.LastSeen = since;
                }
                else if (series.LastTick == _tick)
                {
                    continue; // the same key twice in one snapshot: keep the first
                }

                series.Append(s, time, _tick);
            }

            Evict();
        }
    }

    /// <summary>Every tracked series summed over its window, ordered by role then port.</summary>
    public List<LatencySeriesWindow> ListSeries()
    {
        lock (_gate)
        {
            var result = new List<LatencySeriesWindow>(_series.Count);
            foreach (((TcpRole role, ushort port), Series series) in _series.OrderBy(p => p.Key.Role).ThenBy(p => p.Key.Port))
            {
                ulong[] slots = new ulong[ExponentialBuckets.Slots];
                ulong count = 0;
                TimeSpan covered = TimeSpan.Zero;
                foreach (Column column in series.Ordered())
                {
                    for (int i = 0; i < slots.Length; i++)
                    {
                        slots[i] += column.Slots[i];
                    }

                    count += column.Count;
                    covered += column.Duration;
                }

                double rate = covered > TimeSpan.Zero ? count / covered.TotalSeconds : 0;
                result.Add(new LatencySeriesWindow(role, port, count, rate, slots));
            }

            return result;
        }
    }

    /// <summary>Copies of one series' columns, oldest first; null when the series is not tracked.</summary>
    public List<LatencyColumn>? GetColumns(TcpRole role, ushort port)
    {
        lock (_gate)
        {
            if (!_series.TryGetValue((role, port), out Series? series))
            {
                return null;
            }

            return [.. series.Ordered().Select(c => new LatencyColumn(c.Time, c.Duration, (ulong[])c.Slots.Clone(), c.Count, c.SumNs))];
        }
    }

    private void Evict()
    {
        List<(TcpRole, ushort)>? stale = null;
        foreach (((TcpRole, ushort) key, Series series) in _series)
        {
            if (_tick - series.LastTick >= Columns)
            {
                (stale ??= []).Add(key);
            }
        }

        if (stale is not null)
        {
            foreach ((TcpRole, ushort) key in stale)
            {
                _series.Remove(key);
            }
        }
    }

    /// <summary>A column's mutable storage; reused when the ring wraps.</summary>
    private sealed class Column
    {
        public readonly ulong[] Slots = new ulong[ExponentialBuckets.Slots];
        public DateTimeOffset Time;
        public TimeSpan Duration;
        public ulong Count;
        public ulong SumNs;
    }

    private sealed class Series(int capacity)
    {
        private readonly ulong[] _baseline = new ulong[ExponentialBuckets.Slots];
        private readonly Column?[] _ring = new Column?[capacity];
        private ulong _baselineSumNs;
        private ulong _baselineCount;
        private int _start;
        private int _length;

        public DateTimeOffset LastSeen { get; set; }

        public long LastTick { get; private set; }

        public void SetBaseline(TcpLatencySeries s, DateTimeOffset time, long tick)
        {
            s.Slots.CopyTo(_baseline, 0);
            _baselineSumNs = s.SumNs;
            _baselineCount = s.Count;
            LastSeen = time;
            LastTick = tick;
        }

        public void Append(TcpLatencySeries s, DateTimeOffset time, long tick)
        {
            bool reset = s.Count < _baselineCount || s.SumNs < _baselineSumNs;
            for (int i = 0; i < _baseline.Length && !reset; i++)
            {
                reset = s.Slots[i] < _baseline[i];
            }

            Column column = NextColumn();
            column.Time = time;
            column.Duration = time > LastSeen ? time - LastSeen : TimeSpan.Zero;
            ulong count = 0;
            for (int i = 0; i < _baseline.Length; i++)
            {
                ulong delta = reset ? s.Slots[i] : s.Slots[i] - _baseline[i];
                column.Slots[i] = delta;
                count += delta;
            }

            // Count from the slots, not the kernel's count field: the two are updated separately per
            // request, so a snapshot can fall between them; the slots are what the heatmap shows.
            column.Count = count;
            column.SumNs = reset ? s.SumNs : s.SumNs - _baselineSumNs;
            SetBaseline(s, time, tick);
        }

        public IEnumerable<Column> Ordered()
        {
            for (int i = 0; i < _length; i++)
            {
                yield return _ring[(_start + i) % _ring.Length]!;
            }
        }

        private Column NextColumn()
        {
            int index;
            if (_length < _ring.Length)
            {
                index = (_start + _length) % _ring.Length;
                _length++;
            }
            else
            {
                // Full: the oldest column's arrays are reused for the newest.
                index = _start;
                _start = (_start + 1) % _ring.Length;
            }

            return _ring[index] ??= new Column();
        }
    }
}
