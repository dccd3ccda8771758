using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NetScope.Native;

namespace NetScope.Agent.Demo;

/// <summary>
/// A small HTTP/1.1 client for the demo's traffic: keep-alive GETs from one source address, on
/// dedicated threads that join the client namespace first (setns acts per thread, and a socket stays in
/// the namespace it was made in). Paced to a rate, or as fast as nginx answers for the flood. A request
/// that gets no answer in time (its packets dropped by XDP) counts as failed and the connection is
/// replaced, which is what a real client does.
/// </summary>
internal sealed class HttpLoadGenerator : IDisposable
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromMilliseconds(250);
    private const int ReceiveTimeoutMs = 1000;

    private readonly string _namespace;
    private readonly IPAddress _source;
    private readonly IPEndPoint _target;
    private readonly Func<long, string> _path;
    private readonly double _ratePerThread;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Thread> _threads = [];
    private long _sent, _answered, _failed;
    private string? _error;

    /// <param name="name">For thread names and messages ("legit", "flood").</param>
    /// <param name="networkNamespace">Named namespace the sockets are made in.</param>
    /// <param name="source">Source address (must be on an interface of the namespace).</param>
    /// <param name="target">nginx.</param>
    /// <param name="path">The path of the n-th request.</param>
    /// <param name="requestsPerSecond">Total rate; 0 = as fast as answers come.</param>
    /// <param name="connections">Connections (threads) in parallel.</param>
    public HttpLoadGenerator(string name, string networkNamespace, IPAddress source, IPEndPoint target, Func<long, string> path, double requestsPerSecond, int connections)
    {
        Name = name;
        _namespace = networkNamespace;
        _source = source;
        _target = target;
        _path = path;
        _ratePerThread = requestsPerSecond / connections;
        for (int i = 0; i < connections; i++)
        {
            _threads.Add(new Thread(Run) { IsBackground = true, Name = $"demo-{name}-{i}" });
        }
    }

    public string Name { get; }

    /// <summary>Requests started.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Requests answered with 200.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Requests without an answer (timed out, refused, reset) or with another status.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Why a thread could not start (e.g. setns refused), or null.</summary>
    public string? Error => Volatile.Read(ref _error);

    public void Start()
    {
        foreach (Thread thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>Stops every thread and waits for them (bounded by the receive timeout).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        foreach (Thread thread in _threads.Where(t => t.IsAlive))
        {
            thread.Join(TimeSpan.FromMilliseconds(ReceiveTimeoutMs * 2));
        }

        _stop.Dispose();
    }

    private void Run()
    {
        try
        {
            NetworkNamespace.EnterOnThisThread(_namespace);
        }
        catch (BpfException ex)
        {
            Volatile.Write(ref _error, ex.Message);
            return;
        }

        var clock = Stopwatch.StartNew();
        var buffer = new byte[16 * 1024];
        Socket? socket = null;
        CancellationToken stop = _stop.Token;
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            if (_ratePerThread > 0)
            {
                TimeSpan due = TimeSpan.FromSeconds(n / _ratePerThread) - clock.Elapsed;
                if (due > TimeSpan.Zero && stop.WaitHandle.WaitOne(due))
                {
                    break;
                }
            }

            Interlocked.Increment(ref _sent);
            try
            {
                socket ??= Connect(stop);
                if (Exchange(socket, _path(n), buffer))
                {
                    Interlocked.Increment(ref _answered);
                    continue;
                }
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
            {
            }

            Interlocked.Increment(ref _failed);
            Abort(socket);
            socket = null;
        }

        Abort(socket);
    }

    // Closes with a reset (linger 0): a graceful close would leave an orphan socket retransmitting its
    // FIN into the XDP drop for minutes, holding the client namespace alive after the demo ends.
    private static void Abort(Socket? socket)
    {
        if (socket is null)
        {
            return;
        }

        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }

        socket.Dispose();
    }

    private Socket Connect(CancellationToken stop)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = ReceiveTimeoutMs, SendTimeout = ReceiveTimeoutMs };
        try
        {
            socket.Bind(new IPEndPoint(_source, 0));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(s_connectTimeout);
            socket.ConnectAsync(_target, timeout.Token).AsTask().GetAwaiter().GetResult();
            return socket;
        }
        catch
        {
            Abort(socket);
            throw;
        }
    }

    // One request, one response (Content-Length or chunked body); true for 200.
    private bool Exchange(Socket socket, string path, byte[] buffer)
    {
        socket.Send(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {_target.Address}\r\nUser-Agent: netscope-demo-{Name}\r\n\r\n"));
        int length = 0, headerEnd = -1;
        while (headerEnd < 0)
        {
            length += ReceiveSome(socket, buffer, length);
            headerEnd = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
        }

        string head = Encoding.ASCII.GetString(buffer, 0, headerEnd);
        bool ok = head.StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
        int bodyStart = headerEnd + 4;
        if (ContentLength(head) is int contentLength)
        {
            while (length - bodyStart < contentLength)
            {
                length += ReceiveSome(socket, buffer, length);
            }
        }
        else
        {
            // Chunked (the echo module's answers): the body ends with the zero-size chunk.
            while (!buffer.AsSpan(bodyStart, length - bodyStart).EndsWith("0\r\n\r\n"u8))
            {
                length += ReceiveSome(socket, buffer, length);
            }
        }

        return ok;
    }

    private static int ReceiveSome(Socket socket, byte[] buffer, int offset)
    {
        if (offset == buffer.Length)
        {
            throw new IOException("response larger than the demo client's buffer");
        }

        int read = socket.Receive(buffer, offset, buffer.Length - offset, SocketFlags.None);
        return read > 0 ? read : throw new IOException("connection closed");
    }

    private static int? ContentLength(string head)
    {
        foreach (string line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return int.Parse(line.AsSpan(15).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
