using System.Net.Sockets;

namespace NetScope.Agent.Hosting;

/// <summary>
/// Makes a second agent on the same host refuse to start instead of attaching every probe and XDP
/// program twice. The lock is an abstract Unix socket: the kernel releases it when the process dies,
/// even on kill -9, so a crashed agent never blocks its successor, and no file system is needed
/// (the least-privilege DaemonSet has a read-only root). Abstract sockets belong to the network
/// namespace, which is the host's for the DaemonSet (hostNetwork) and for systemd.
/// </summary>
internal sealed class SingleInstanceGuard : IDisposable
{
    public const string DefaultName = "netscope-agent";

    private readonly Socket _socket;

    private SingleInstanceGuard(Socket socket) => _socket = socket;

    /// <summary>Takes the lock or throws <see cref="InvalidOperationException"/> saying another agent holds it.</summary>
    public static SingleInstanceGuard Acquire(string name = DefaultName)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
            return new SingleInstanceGuard(socket);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new InvalidOperationException(
                $"another NetScope agent is already running on this host (it holds the instance lock @{name}); stop it first: two agents would attach every probe and XDP program twice");
        }
    }

    public void Dispose() => _socket.Dispose();
}
