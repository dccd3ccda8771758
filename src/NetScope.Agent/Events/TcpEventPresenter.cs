using System.Net;
using System.Text;
using NetScope.Agent.Decoding;
using NetScope.Agent.Hosting;
using NetScope.Agent.Probes;
using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Events;

/// <summary>
/// Turns raw tcp_event records into the API's view. Addresses are shown only when the config exposes
/// them, and the remote one (the source, for servers) is truncated like every other source address.
/// Allocates, so it runs per API request, never per event.
/// </summary>
internal sealed class TcpEventPresenter(bool exposeAddresses, bool truncateSources)
{
    /// <summary>The API name of an event type.</summary>
    public static string TypeName(TcpEventType type) => type == TcpEventType.SlowRequest ? "slow_request" : "connection_close";

    /// <summary>The event type an API name stands for; null (every type) for null or any other name.</summary>
    public static TcpEventType? ParseTypeName(string? name) => name switch
    {
        "slow_request" => TcpEventType.SlowRequest,
        "connection_close" => TcpEventType.ConnectionClose,
        _ => null,
    };

    public TcpEventView Present(in TcpEventRecord e, ulong monotonicNowNs, DateTimeOffset now)
    {
        DateTimeOffset time = now - TimeSpan.FromTicks((long)((monotonicNowNs - Math.Min(e.TimestampNs, monotonicNowNs)) / 100));
        bool close = e.Type == TcpEventType.ConnectionClose;
        string? comm = Comm(e);
        return new TcpEventView(
            TypeName(e.Type),
            time,
            TcpLatencyService.RoleLabel(e.Role),
            TcpLatencyService.PortLabel(e.SeriesPort),
            e.LocalPort,
            e.RemotePort,
            exposeAddresses ? Address(e, local: true).ToString() : null,
            exposeAddresses ? SourceAddressFormat.Format(Address(e, local: false), truncateSources) : null,
            e.Pid == 0 && comm is null ? null : (int)e.Pid,
            comm,
            e.DurationNs / 1e9,
            e.SrttUs / 1e6,
            close ? e.BytesSent : null,
            close ? e.BytesReceived : null,
            close ? e.Retransmits : null,
            close ? e.Requests : null);
    }

    /// <summary>The address, IPv4-mapped ones shown as IPv4.</summary>
    private static unsafe IPAddress Address(in TcpEventRecord e, bool local)
    {
        fixed (byte* local16 = e.LocalAddr, remote16 = e.RemoteAddr)
        {
            var address = new IPAddress(new ReadOnlySpan<byte>(local ? local16 : remote16, 16));
            return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        }
    }

    private static unsafe string? Comm(in TcpEventRecord e)
    {
        fixed (byte* comm = e.Comm)
        {
            var bytes = new ReadOnlySpan<byte>(comm, 16);
            int end = bytes.IndexOf((byte)0);
            bytes = end < 0 ? bytes : bytes[..end];
            return bytes.IsEmpty ? null : Encoding.UTF8.GetString(bytes);
        }
    }
}
