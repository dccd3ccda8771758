namespace NetScope.Exporters.Abstractions;

/// <summary>One TCP event from the kernel ring buffer, ready to show (GET /api/v1/events).</summary>
/// <param name="Type">"connection_close" or "slow_request".</param>
/// <param name="Time">When the kernel made the event.</param>
/// <param name="Role">"server" or "client".</param>
/// <param name="Port">The series' port label (a number, or "other").</param>
/// <param name="LocalPort">Local TCP port.</param>
/// <param name="RemotePort">Remote TCP port.</param>
/// <param name="LocalAddress">Local address; null unless events.expose_addresses is set.</param>
/// <param name="RemoteAddress">Remote address (truncated with privacy.truncate_source_ips); null unless events.expose_addresses is set.</param>
/// <param name="Pid">Process that first used the socket; null when no process was seen.</param>
/// <param name="Comm">That process's command name; null when unknown.</param>
/// <param name="DurationSeconds">connection_close: the connection's lifetime; slow_request: the request's latency.</param>
/// <param name="SrttSeconds">Smoothed RTT at the event.</param>
/// <param name="BytesSent">connection_close only: bytes sent over the connection.</param>
/// <param name="BytesReceived">connection_close only: bytes received.</param>
/// <param name="Retransmits">connection_close only: segments retransmitted.</param>
/// <param name="Requests">connection_close only: requests completed.</param>
public sealed record TcpEventView(
    string Type,
    DateTimeOffset Time,
    string Role,
    string Port,
    int LocalPort,
    int RemotePort,
    string? LocalAddress,
    string? RemoteAddress,
    int? Pid,
    string? Comm,
    double DurationSeconds,
    double SrttSeconds,
    ulong? BytesSent,
    ulong? BytesReceived,
    uint? Retransmits,
    uint? Requests);

/// <summary>Recent events of the tcp_events ring and its accounting.</summary>
/// <param name="SampleRatio">Fraction of due events the kernel keeps now.</param>
/// <param name="Received">Records received from the ring since start.</param>
/// <param name="Lost">Records lost since start (kernel ring full, queue full, malformed).</param>
/// <param name="Events">Newest first.</param>
public sealed record TcpEventsSnapshot(double SampleRatio, long Received, ulong Lost, IReadOnlyList<TcpEventView> Events);

/// <summary>Reads recent TCP events on request. Implemented by the agent.</summary>
public interface IEventsView
{
    /// <summary>Event type names accepted by <see cref="GetRecent"/>.</summary>
    public static readonly IReadOnlyList<string> Types = ["connection_close", "slow_request"];

    /// <summary>Up to <paramref name="limit"/> newest events of <paramref name="type"/> (null: both types).</summary>
    TcpEventsSnapshot GetRecent(string? type, int limit);
}
