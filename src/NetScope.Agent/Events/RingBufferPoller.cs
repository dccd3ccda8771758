using Microsoft.Extensions.Logging;
using NetScope.Native;

namespace NetScope.Agent.Events;

/// <summary>
/// Drains one BPF ring buffer on a dedicated thread, reading the ring's shared memory directly
/// (<see cref="BpfRingBuffer"/>): every record that is ready goes to the handler in one pass, and the
/// thread sleeps in epoll only when the ring is empty, so a busy ring costs no system call per batch. The
/// sleep has no timeout (an idle agent does not wake up for nothing); Dispose ends it with BpfRingBuffer.Wake.
/// The handler is a type argument (a struct, typically) so it is called directly for each record; it runs
/// on this thread only and must not keep the span.
/// </summary>
internal sealed class RingBufferPoller<THandler> : IDisposable
    where THandler : IRingBufferHandler
{
    private readonly BpfRingBuffer _ring;
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private THandler _handler;
    private volatile bool _stopping;

    /// <summary>Creates the reader; call <see cref="Start"/> to begin polling (tests may drain by hand instead).</summary>
    public RingBufferPoller(BpfMap ring, THandler handler, string threadName, ILogger logger)
    {
        _ring = new BpfRingBuffer(ring);
        _handler = handler;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
    }

    /// <summary>Starts the polling thread.</summary>
    public void Start() => _thread.Start();

    /// <summary>
    /// Hands every record available now to the handler on the calling thread; returns how many. Only while
    /// the thread is not started: the ring has one reader at a time.
    /// </summary>
    public int DrainNow() => _ring.Consume(ref _handler);

    /// <summary>Stops the thread (its wait ends at once) and unmaps the ring.</summary>
    public void Dispose()
    {
        _stopping = true;
        _ring.Wake();
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
                // Records first: under load the next batch is already there when a pass ends. Only an empty
                // pass sleeps, until the kernel's wake-up or Dispose's.
                if (_ring.Consume(ref _handler) == 0)
                {
                    _ring.WaitForData(Timeout.Infinite);
                }
            }
            catch (Exception ex)
            {
                // BpfException is the expected case; anything else (handlers must not throw) must not end the thread either.
                _logger.LogError("Reading ring buffer {Ring} failed: {Error}", _ring.Name, ex.Message);
                Thread.Sleep(1000);
            }
        }
    }
}
