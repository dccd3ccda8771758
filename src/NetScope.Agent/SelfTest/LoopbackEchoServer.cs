using System.Net;
using System.Net.Sockets;

namespace NetScope.Agent.SelfTest;

/// <summary>
/// A TCP server on 127.0.0.1 that answers each request with a response after an optional delay, and a
/// client that does strict request/response round trips (one request in flight per connection): the
/// known traffic `netscope selftest` and the kernel tests check the probe's numbers against.
/// </summary>
internal sealed class LoopbackEchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<TimeSpan> _delay;
    private readonly Task _accepting;
    private readonly List<TcpClient> _clients = [];

    public LoopbackEchoServer(TimeSpan delay = default)
        : this(() => delay)
    {
    }

    /// <summary>A server whose answer to each request waits <paramref name="delay"/>() (called per request, on the serving thread).</summary>
    public LoopbackEchoServer(Func<TimeSpan> delay)
    {
        _delay = delay;
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    /// <summary>Size of every request and of every response, bytes.</summary>
    public const int MessageBytes = 16;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>
    /// Runs a few delayed round trips on a throwaway server so the serve path is compiled before a test
    /// measures latency (JIT work between receive and send would count as latency). Call before attaching.
    /// </summary>
    public static async Task WarmUpAsync()
    {
        await using var warm = new LoopbackEchoServer(TimeSpan.FromMilliseconds(3));
        await warm.RoundTripsAsync(5);
    }

    /// <summary>
    /// Connects once and does <paramref name="requests"/> round trips of <see cref="MessageBytes"/>-byte messages, with blocking I/O
    /// on a dedicated thread: async continuations wait for the thread pool, which would stretch the
    /// client-role latency the kernel measures.
    /// </summary>
    public Task RoundTripsAsync(int requests) => Task.Factory.StartNew(
        () =>
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            client.NoDelay = true;
            NetworkStream stream = client.GetStream();
            byte[] request = new byte[MessageBytes];
            byte[] response = new byte[MessageBytes];
            for (int i = 0; i < requests; i++)
            {
                stream.Write(request);
                stream.ReadExactly(response);
            }
        },
        CancellationToken.None,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);

    private async Task AcceptLoopAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(ServeAsync(client));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(connections);
    }

    private Task ServeAsync(TcpClient client)
    {
        lock (_clients)
        {
            _clients.Add(client);
        }

        // A dedicated thread with blocking I/O: async continuations can wait for a busy thread pool,
        // which would add milliseconds the kernel rightly counts as latency.
        return Task.Factory.StartNew(() => Serve(client), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Serve(TcpClient client)
    {
        using (client)
        {
            client.NoDelay = true;
            NetworkStream stream = client.GetStream();
            byte[] buffer = new byte[MessageBytes];
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    stream.ReadExactly(buffer);
                    TimeSpan delay = _delay();
                    if (delay > TimeSpan.Zero)
                    {
                        // Sleep most of the delay, then spin to the exact moment (sleeps overshoot by a tick).
                        long start = System.Diagnostics.Stopwatch.GetTimestamp();
                        Thread.Sleep(TimeSpan.FromTicks(Math.Max(0, (delay - TimeSpan.FromMilliseconds(2)).Ticks)));
                        while (System.Diagnostics.Stopwatch.GetElapsedTime(start) < delay)
                        {
                            Thread.SpinWait(100);
                        }
                    }

                    stream.Write(buffer);
                }
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException or ObjectDisposedException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_clients)
        {
            foreach (TcpClient client in _clients)
            {
                client.Dispose();
            }
        }

        await _accepting;
        _stop.Dispose();
    }
}
