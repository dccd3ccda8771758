using System.Runtime.InteropServices;

namespace NetScope.Agent.Probes;

// C# mirrors of bpf/tcp_latency.h: each must match its C struct byte for byte
// (checked against the compiled object's BTF by StructLayoutTests).

/// <summary>enum tcp_role in bpf/tcp_latency.h.</summary>
internal enum TcpRole : byte
{
    Unknown = 0,
    Server = 1,
    Client = 2,
}

/// <summary>Must match struct tcp_lat_key in bpf/tcp_latency.h. Port TCP_PORT_OTHER (0) collects ports beyond the cap.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcpLatKey
{
    public TcpRole Role;
    public byte Pad;
    public ushort Port;
}

/// <summary>Must match struct tcp_lat_hist in bpf/tcp_latency.h (one per CPU in the map).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TcpLatHist
{
    /// <summary>NS_HIST_SLOTS in bpf/tcp_latency.h: underflow, 104 scale-2 buckets, overflow.</summary>
    public const int SlotCount = 106;

    public fixed ulong Slots[SlotCount];
    public ulong SumNs;
    public ulong Count;
}

/// <summary>Must match struct tcp_series_stats in bpf/tcp_latency.h (one per CPU in the map).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcpSeriesStats
{
    public ulong BytesSent;
    public ulong BytesReceived;
    public ulong ConnsOpened;
    public ulong ConnsClosed;
    public ulong Retransmits;
}

/// <summary>enum tcp_counter in bpf/tcp_latency.h.</summary>
internal enum TcpCounter : uint
{
    SendCalls = 0,
    RecvCalls = 1,
    Max = 2,
}
