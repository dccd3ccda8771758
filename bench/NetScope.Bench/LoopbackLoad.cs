using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetScope.Bench;

/// <summary>
/// A bounded, paced HTTP/1.1 keep-alive load on loopback: a fixed-response server and clients in this
/// process, so the benchmark needs no extra package and never leaves the machine.
/// </summary>
internal static class LoopbackLoad
{
    private const int Connections = 8;
    private static readonly byte[] s_request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: bench\r\n\r\n");
    private static readonly byte[] s_response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

    /// <summary>Runs for <paramref name="duration"/> and returns the achieved requests per second.</summary>
    public static double Run(int ratePerSecond, TimeSpan duration)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var cts = new CancellationTokenSource();
        Task server = Task.Run(() => Serve(listener, cts.Token));

        long done = 0;
        var sw = Stopwatch.StartNew();
        Task[] clients = Enumerable.Range(0, Connections)
            .Select(_ => Task.Run(async () =>
            {
                long n = await Client(port, ratePerSecond / (double)Connections, duration).ConfigureAwait(false);
                Interlocked.Add(ref done, n);
            }))
            .ToArray();
        Task.WaitAll(clients);
        double seconds = sw.Elapsed.TotalSeconds;
        cts.Cancel();
        listener.Stop();
        try
        {
            server.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // the accept loop ends with the listener
        }
        return done / seconds;
    }

    private static async Task Serve(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket s = await listener.AcceptSocketAsync(ct).ConfigureAwait(false);
            _ = Task.Run(async () =>
            {
                using (s)
                {
                    byte[] buf = new byte[4096];
                    // One request per read: the client sends the next only after the response.
                    while (await s.ReceiveAsync(buf, SocketFlags.None, ct).ConfigureAwait(false) > 0)
                    {
                        await s.SendAsync(s_response, SocketFlags.None, ct).ConfigureAwait(false);
                    }
                }
            }, ct);
        }
    }

    private static async Task<long> Client(int port, double rate, TimeSpan duration)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await s.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
        byte[] buf = new byte[4096];
        var sw = Stopwatch.StartNew();
        long sent = 0;
        while (sw.Elapsed < duration)
        {
            // Pace by schedule, not by sleep per request, so timer granularity does not lower the rate.
            double due = sent / rate;
            double wait = due - sw.Elapsed.TotalSeconds;
            if (wait > 0.001)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait)).ConfigureAwait(false);
            }
            await s.SendAsync(s_request, SocketFlags.None).ConfigureAwait(false);
            int got = 0;
            while (got < s_response.Length)
            {
                int n = await s.ReceiveAsync(buf.AsMemory(got), SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    return sent;
                }
                got += n;
            }
            sent++;
        }
        s.Shutdown(SocketShutdown.Both);
        return sent;
    }
}
