using System.Runtime.InteropServices;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Events;

/// <summary>Decodes tcp_events records (struct tcp_event). Pure and allocation-free: the record is copied as is.</summary>
internal static class TcpEventDecoder
{
    /// <summary>sizeof(struct tcp_event).</summary>
    public static readonly int RecordSize = Marshal.SizeOf<TcpEventRecord>();

    /// <summary>False when the record is shorter than struct tcp_event or of an unknown type (a mismatched object).</summary>
    public static bool TryDecode(ReadOnlySpan<byte> record, out TcpEventRecord decoded)
    {
        if (record.Length < RecordSize)
        {
            decoded = default;
            return false;
        }

        decoded = MemoryMarshal.Read<TcpEventRecord>(record);
        return decoded.Type is TcpEventType.ConnectionClose or TcpEventType.SlowRequest
            && decoded.Role is TcpRole.Server or TcpRole.Client;
    }
}
