using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Events;

/// <summary>Decodes tcp_events records (struct tcp_event). Pure and allocation-free: the record is used as is.</summary>
internal static class TcpEventDecoder
{
    /// <summary>sizeof(struct tcp_event).</summary>
    public static readonly int RecordSize = Marshal.SizeOf<TcpEventRecord>();

    /// <summary>False when the record is shorter than struct tcp_event or of an unknown type or role (a mismatched object).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWellFormed(ReadOnlySpan<byte> record)
    {
        if (record.Length < RecordSize)
        {
            return false;
        }

        ref readonly TcpEventRecord e = ref View(record);
        return e.Type is TcpEventType.ConnectionClose or TcpEventType.SlowRequest
            && e.Role is TcpRole.Server or TcpRole.Client;
    }

    /// <summary>
    /// A record that <see cref="IsWellFormed"/> accepted, viewed in place as the struct (no copy): the ring
    /// reader copies it once, straight into its queue slot. Valid only as long as the span is.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref readonly TcpEventRecord View(ReadOnlySpan<byte> record) => ref MemoryMarshal.AsRef<TcpEventRecord>(record);

    /// <summary>Copies a well-formed record out; false (and default) otherwise.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> record, out TcpEventRecord decoded)
    {
        bool wellFormed = IsWellFormed(record);
        decoded = wellFormed ? View(record) : default;
        return wellFormed;
    }
}
