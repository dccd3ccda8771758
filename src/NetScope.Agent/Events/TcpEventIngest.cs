using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.Events;

/// <summary>
/// The user-space half of the tcp_events path: ring buffer (read in place) → decoder → the newest events of
/// each type, kept for GET /api/v1/events (<c>events.keep</c> per type). Per record the reader only checks it
/// and notes where it is; at the end of each pass over the ring, before the pass's space goes back to the
/// kernel, it copies the newest ones of each type out of the ring under the lock that readers of the lists
/// take (<see cref="RecentEvents"/>), so the lock is taken once per pass and held for at most 2 × keep copies.
/// </summary>
/// <remarks>
/// There is no queue between the reader and the lists, so nothing can overflow in between: a reader that
/// falls behind lets the ring fill, and the kernel counts what it cannot reserve
/// (<c>netscope_events_lost_total{source="kernel"}</c>). Invariant: <see cref="Received"/> = events added to
/// the lists (kept or since overwritten by newer ones) + <see cref="Malformed"/>.
/// </remarks>
internal sealed class TcpEventIngest : IDisposable
{
    private readonly Lock _gate = new();
    private readonly RecentEvents _slow;
    private readonly RecentEvents _closes;
    private readonly RingBufferPoller<RecordHandler> _poller;

    // Published by the reader under _gate at the end of each pass, like the lists.
    private long _malformed;

    // The current pass's malformed records: the reader's alone.
    private long _malformedThisPass;

    /// <param name="ring">The tcp_events ring buffer map.</param>
    /// <param name="keep">Events of each type kept (events.keep); older ones are overwritten.</param>
    /// <param name="logger">Where reader failures go.</param>
    public TcpEventIngest(BpfMap ring, int keep, ILogger logger)
    {
        _slow = new RecentEvents(keep);
        _closes = new RecentEvents(keep);
        _poller = new RingBufferPoller<RecordHandler>(ring, new RecordHandler(this), "tcp_events", logger);
    }

    /// <summary>Records taken off the ring.</summary>
    public long Received
    {
        get
        {
            lock (_gate)
            {
                return _slow.Added + _closes.Added + _malformed;
            }
        }
    }

    /// <summary>Records that did not decode (an object built from a different header).</summary>
    public long Malformed
    {
        get
        {
            lock (_gate)
            {
                return _malformed;
            }
        }
    }

    /// <summary>Starts reading the ring on its own thread.</summary>
    public void Start() => _poller.Start();

    /// <summary>Reads every record available now on the calling thread (tests, benchmarks: a paused reader catching up).</summary>
    public int DrainNow() => _poller.DrainNow();

    /// <summary>
    /// Up to <paramref name="limit"/> kept events, newest first: of one type, or of both (null) merged by time.
    /// </summary>
    public List<TcpEventRecord> Newest(TcpEventType? type, int limit)
    {
        lock (_gate)
        {
            return type switch
            {
                TcpEventType.SlowRequest => _slow.Newest(limit),
                TcpEventType.ConnectionClose => _closes.Newest(limit),
                _ => _slow.Newest(limit).Concat(_closes.Newest(limit)).OrderByDescending(e => e.TimestampNs).Take(limit).ToList(),
            };
        }
    }

    /// <summary>Stops the reader and unmaps the ring; the kept events stay readable.</summary>
    public void Dispose() => _poller.Dispose();

    /// <summary>One record of the current pass, on the reader thread (no lock: only the reader touches what it notes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Note(ReadOnlySpan<byte> record)
    {
        if (!TcpEventDecoder.IsWellFormed(record))
        {
            _malformedThisPass++;
            return;
        }

        ref readonly TcpEventRecord e = ref TcpEventDecoder.View(record);
        (e.Type == TcpEventType.SlowRequest ? _slow : _closes).Note(in e);
    }

    /// <summary>The end of a pass, its records still in the ring: keeps the newest and publishes the counts.</summary>
    private void EndPass()
    {
        lock (_gate)
        {
            _slow.Flush();
            _closes.Flush();
            _malformed += _malformedThisPass;
            _malformedThisPass = 0;
        }
    }

    /// <summary>The ring reader's handler: a struct, so the poller's generic code calls (and inlines) it directly.</summary>
    private readonly struct RecordHandler(TcpEventIngest ingest) : IRingBufferHandler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnRecord(ReadOnlySpan<byte> record) => ingest.Note(record);

        public void OnBatchEnd() => ingest.EndPass();
    }
}
