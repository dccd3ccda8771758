using NetScope.Agent.Probes;

namespace NetScope.Agent.Events;

/// <summary>The last N events of one type, newest first on read. Thread-safe; bounded memory (no allocation per add).</summary>
internal sealed class RecentEvents(int capacity)
{
    private readonly TcpEventRecord[] _ring = new TcpEventRecord[capacity];
    private readonly Lock _gate = new();
    private long _added;

    /// <summary>Events added since start (including those no longer kept).</summary>
    public long Added
    {
        get
        {
            lock (_gate)
            {
                return _added;
            }
        }
    }

    public void Add(in TcpEventRecord record)
    {
        if (_ring.Length == 0)
        {
            return;
        }

        lock (_gate)
        {
            _ring[_added % _ring.Length] = record;
            _added++;
        }
    }

    /// <summary>Up to <paramref name="limit"/> kept events, newest first.</summary>
    public List<TcpEventRecord> Newest(int limit)
    {
        lock (_gate)
        {
            int count = (int)Math.Min(Math.Min(_added, _ring.Length), limit);
            var result = new List<TcpEventRecord>(count);
            for (long i = _added - 1; i >= _added - count; i--)
            {
                result.Add(_ring[i % _ring.Length]);
            }

            return result;
        }
    }
}
