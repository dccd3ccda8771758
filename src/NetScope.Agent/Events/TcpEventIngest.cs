using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.Events;

/// <summary>
/// The user-space half of the tcp_events path: ring buffer (read in place) → decoder → bounded
/// single-producer/single-consumer queue → consumer. The ring reader never waits for the consumer: when
/// the queue is full the record is dropped and counted (<see cref="QueueLost"/>), so a slow consumer can
/// only lose events, never stall the ring and make the kernel lose them silently. Each pass over the ring
/// is published to the consumer at once. Invariant: <see cref="Received"/> = delivered + <see cref="QueueLost"/> + <see cref="Malformed"/>.
/// </summary>
internal sealed class TcpEventIngest : IDisposable
{
    private readonly SpscQueue<TcpEventRecord> _queue;
    private readonly RingBufferPoller<RecordHandler> _poller;

    // The two loss counters have one writer, the ring reader thread (or the DrainNow caller), so it increments
    // them without an interlocked instruction; other threads read them with Volatile.Read (aligned 64-bit loads
    // and stores are atomic on 64-bit targets). Every record taken off the ring is either enqueued, lost to a
    // full queue or malformed, so Received is their sum rather than a third per-record increment (measured in
    // bench/, BENCH=ring).
    private long _queueLost;
    private long _malformed;

    public TcpEventIngest(BpfMap ring, int queueCapacity, ILogger logger)
    {
        _queue = new SpscQueue<TcpEventRecord>(queueCapacity);
        _poller = new RingBufferPoller<RecordHandler>(ring, new RecordHandler(this), "tcp_events", logger);
    }

    /// <summary>Records taken off the ring.</summary>
    public long Received => _queue.Enqueued + QueueLost + Malformed;

    /// <summary>Records dropped because the queue was full.</summary>
    public long QueueLost => Volatile.Read(ref _queueLost);

    /// <summary>Records that did not decode (an object built from a different header).</summary>
    public long Malformed => Volatile.Read(ref _malformed);

    /// <summary>Starts reading the ring on its own thread.</summary>
    public void Start() => _poller.Start();

    /// <summary>Reads every record available now on the calling thread (tests: a paused reader catching up).</summary>
    public int DrainNow() => _poller.DrainNow();

    /// <summary>The consumer: takes the oldest decoded event.</summary>
    public bool TryRead(out TcpEventRecord record) => _queue.TryDequeue(out record);

    /// <summary>The consumer: waits for events (true) or for the end after <see cref="Dispose"/> (false).</summary>
    public ValueTask<bool> WaitToReadAsync() => _queue.WaitToReadAsync();

    /// <summary>Stops the reader, then ends the queue (the consumer drains what is left and stops).</summary>
    public void Dispose()
    {
        _poller.Dispose();
        _queue.Complete();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void OnRecord(ReadOnlySpan<byte> record)
    {
        if (!TcpEventDecoder.IsWellFormed(record))
        {
            _malformed++;
        }
        else if (!_queue.TryEnqueue(in TcpEventDecoder.View(record)))
        {
            _queueLost++;
        }
    }

    /// <summary>The ring reader's handler: a struct, so the poller's generic code calls (and inlines) it directly.</summary>
    private readonly struct RecordHandler(TcpEventIngest ingest) : IRingBufferHandler
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void OnRecord(ReadOnlySpan<byte> record) => ingest.OnRecord(record);

        public void OnBatchEnd() => ingest._queue.Publish();
    }
}
