using Microsoft.Extensions.Logging;
using NetScope.Native;

namespace NetScope.Agent.Events;

/// <summary>
/// Drains one BPF ring buffer on a dedicated thread: libbpf's ring_buffer__poll hands every record that
/// is ready to the handler in one batch per wake-up, so a burst costs one epoll wake-up, not one per
/// record. The handler runs on this thread only and must not keep the span.
/// </summary>
internal sealed class RingBufferPoller : IDisposable
{
    /// <summary>How long one poll waits for records; bounds how long Dispose waits for the thread.</summary>
    private const int PollTimeoutMs = 100;

    private readonly BpfRingBuffer _ring;
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private volatile bool _stopping;

    /// <summary>Creates the reader; call <see cref="Start"/> to begin polling (tests may drain by hand instead).</summary>
    public RingBufferPoller(BpfMap ring, BpfRingBuffer.RecordHandler handler, string threadName, ILogger logger)
    {
        _ring = new BpfRingBuffer(ring, handler);
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
    }

    /// <summary>Starts the polling thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>Hands every record available now to the handler on the calling thread; returns how many.</summary>
    public int DrainNow() => _ring.Consume();

    /// <summary>Stops the thread (within one poll timeout) and frees the reader.</summary>
    public void Dispose()
    {
        _stopping = true;
        if (_thread.IsAlive && Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }

        _ring.Dispose();
    }

    private void Run()
    {
        while (!_stopping)
        {
            try
            {
                _ring.Poll(PollTimeoutMs);
            }
            catch (BpfException ex)
            {
                _logger.LogError("Reading ring buffer {Ring} failed: {Error}", _ring.Name, ex.Message);
                Thread.Sleep(1000);
            }
        }
    }
}
