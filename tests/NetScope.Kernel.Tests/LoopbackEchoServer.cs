using System.Net;
using System.Net.Sockets;

namespace NetScope.Kernel.Tests;

/// <summary>
/// A test-owned TCP server on 127.0.0.1 that answers each request with a response after an optional delay,
/// and a client that does strict request/response round trips (one request in flight per connection).
/// </summary>
internal sealed class LoopbackEchoServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _delay;
    private readonly Task _accepting;

    public LoopbackEchoServer(TimeSpan delay = default)
    {
        _delay = delay;
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connects once and does <paramref name="requests"/> round trips of 16-byte messages.</summary>
    public async Task RoundTripsAsync(int requests)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        client.NoDelay = true;
        NetworkStream stream = client.GetStream();
        byte[] request = new byte[16];
        byte[] response = new byte[16];
        for (int i = 0; i < requests; i++)
        {
            await stream.WriteAsync(request);
            await stream.ReadExactlyAsync(response);
        }
    }

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

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            client.NoDelay = true;
            NetworkStream stream = client.GetStream();
            byte[] buffer = new byte[16];
            try
            {
                while (true)
                {
                    await stream.ReadExactlyAsync(buffer, _stop.Token);
                    if (_delay > TimeSpan.Zero)
                    {
                        // Task.Delay alone overshoots by a timer tick or more; sleep most of the delay,
                        // then spin to the exact moment so the kernel sees the intended latency.
                        long start = System.Diagnostics.Stopwatch.GetTimestamp();
                        await Task.Delay(_delay - TimeSpan.FromMilliseconds(2), _stop.Token);
                        while (System.Diagnostics.Stopwatch.GetElapsedTime(start) < _delay)
                        {
                            Thread.SpinWait(100);
                        }
                    }

                    await stream.WriteAsync(buffer, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException or OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
