using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.Events;

/// <summary>
/// The user-space half of the tcp_events path: ring buffer → decoder → bounded queue → consumer. The
/// ring reader never waits for the consumer: when the queue is full the record is dropped and counted
/// (<see cref="QueueLost"/>), so a slow consumer can only lose events, never stall the ring and make the
/// kernel lose them silently. Invariant: <see cref="Received"/> = delivered + <see cref="QueueLost"/> + <see cref="Malformed"/>.
/// </summary>
internal sealed class TcpEventIngest : IDisposable
{
    private readonly Channel<TcpEventRecord> _queue;
    private readonly RingBufferPoller _poller;
    private long _received;
    private long _queueLost;
    private long _malformed;

    public TcpEventIngest(BpfMap ring, int queueCapacity, ILogger logger)
    {
        _queue = Channel.CreateBounded<TcpEventRecord>(new BoundedChannelOptions(queueCapacity)
        {
            SingleWriter = true,
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of blocking; the failure is counted
        });
        _poller = new RingBufferPoller(ring, OnRecord, "tcp_events", logger);
    }

    /// <summary>Decoded events, oldest first.</summary>
    public ChannelReader<TcpEventRecord> Reader => _queue.Reader;

    // The counters have one writer, the ring reader thread (or the DrainNow caller), so it increments them
    // without an interlocked instruction per record; other threads read them with Volatile.Read (aligned
    // 64-bit loads and stores are atomic on 64-bit targets). Measured in bench/ (BENCH=ring).

    /// <summary>Records taken off the ring.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Records dropped because the queue was full.</summary>
    public long QueueLost => Volatile.Read(ref _queueLost);

    /// <summary>Records that did not decode (an object built from a different header).</summary>
    public long Malformed => Volatile.Read(ref _malformed);

    /// <summary>Starts reading the ring on its own thread.</summary>
    public void Start() => _poller.Start();

    /// <summary>Reads every record available now on the calling thread (tests: a paused reader catching up).</summary>
    public int DrainNow() => _poller.DrainNow();

    public void Dispose()
    {
        _poller.Dispose();
        _queue.Writer.TryComplete();
    }

    private void OnRecord(ReadOnlySpan<byte> record)
    {
        Volatile.Write(ref _received, _received + 1);
        if (!TcpEventDecoder.TryDecode(record, out TcpEventRecord decoded))
        {
            Volatile.Write(ref _malformed, _malformed + 1);
        }
        else if (!_queue.Writer.TryWrite(decoded))
        {
            Volatile.Write(ref _queueLost, _queueLost + 1);
        }
    }
}
