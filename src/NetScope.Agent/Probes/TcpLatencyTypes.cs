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

/// <summary>Must match struct tcp_lat_hist in bpf/tcp_latency.h (a histogram of <see cref="TcpSeries"/>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TcpLatHist
{
    /// <summary>NS_HIST_SLOTS in bpf/tcp_latency.h: underflow, 104 scale-2 buckets, overflow.</summary>
    public const int SlotCount = 106;

    public fixed ulong Slots[SlotCount];
    public ulong SumNs;
    public ulong Count;
}

/// <summary>Must match struct tcp_series_stats in bpf/tcp_latency.h (the counters of <see cref="TcpSeries"/>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcpSeriesStats
{
    public ulong BytesSent;
    public ulong BytesReceived;
    public ulong ConnsOpened;
    public ulong ConnsClosed;
    public ulong Retransmits;
}

/// <summary>Must match struct tcp_series in bpf/tcp_latency.h (one per CPU in an entry of the tcp_series array).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcpSeries
{
    public TcpSeriesStats Stats;
    public TcpLatHist Latency;
    public TcpLatHist Rtt;
}

/// <summary>Must match struct tcp_series_slot in bpf/tcp_latency.h (a value of tcp_series_keys).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcpSeriesSlot
{
    /// <summary>The series' entry in the tcp_series array.</summary>
    public uint Index;

    /// <summary>1: created by the agent before attach (configured port or "other"), exported even while empty.</summary>
    public uint Reserved;
}

/// <summary>enum tcp_counter in bpf/tcp_latency.h.</summary>
internal enum TcpCounter : uint
{
    SendCalls = 0,
    RecvCalls = 1,

    /// <summary>Events due before sampling.</summary>
    EventsOffered = 2,

    /// <summary>Events kept by sampling (submitted to the ring or lost there).</summary>
    EventsProduced = 3,

    /// <summary>bpf_ringbuf_reserve failures: the ring was full.</summary>
    EventsLost = 4,

    /// <summary>Sockets given a state at ESTABLISHED.</summary>
    SocketsTracked = 5,

    /// <summary>Tracked sockets whose state was deleted at CLOSE.</summary>
    SocketsReleased = 6,

    /// <summary>Sockets at ESTABLISHED that got no state (no memory): their traffic is not recorded.</summary>
    SocketsUntracked = 7,

    /// <summary>Timed sends (a client's request start, a server's response) that took the stack's transmit time: no clock read.</summary>
    SendTimesTransmit = 8,

    /// <summary>Timed sends that read the clock (data still queued, a ULP in between, the first send of a socket, or a rung that hooks the send's entry).</summary>
    SendTimesClock = 9,

    /// <summary>Timed receives (a server's request start, a client's response) that took the time tcp_recvmsg read itself (tcp_clock_cache): no clock read.</summary>
    ReceiveTimesStack = 10,

    /// <summary>Timed receives that read the clock (Linux 6.19+, a ULP in between, the first receive of a socket, a stale check, or a rung other than tracepoint/sock).</summary>
    ReceiveTimesClock = 11,

    /// <summary>Receives whose stack time was checked against the clock (one in 2^<see cref="TcpLatencyConfig.ReceiveCheckShift"/>).</summary>
    ReceiveTimeChecks = 12,

    /// <summary>Checks that found the stack time older than <see cref="TcpLatencyConfig.ReceiveMaxAgeNs"/>.</summary>
    ReceiveTimeStale = 13,
    Max = 14,
}

/// <summary>enum tcp_event_type in bpf/tcp_latency.h.</summary>
internal enum TcpEventType : byte
{
    ConnectionClose = 1,
    SlowRequest = 2,
}

/// <summary>Must match struct tcp_event in bpf/tcp_latency.h (a tcp_events ring record).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct TcpEventRecord
{
    public TcpEventType Type;
    public TcpRole Role;
    public ushort SeriesPort;
    public ushort LocalPort;
    public ushort RemotePort;
    public fixed byte LocalAddr[16];
    public fixed byte RemoteAddr[16];
    public uint Pid;
    public uint SrttUs;
    public fixed byte Comm[16];
    public ulong TimestampNs;
    public ulong DurationNs;
    public ulong BytesSent;
    public ulong BytesReceived;
    public uint Retransmits;
    public uint Requests;
}

/// <summary>Must match struct tcp_recv_time_state in bpf/tcp_latency.h (the variable recv_time, section .data.recv_time).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcpReceiveTimeState
{
    /// <summary>The section (a map of libbpf's) that holds it.</summary>
    public const string Section = ".data.recv_time";

    /// <summary>Stale checks in a row.</summary>
    public uint StaleStrikes;

    /// <summary>1: the checks turned the stack's receive times off; receives read the clock.</summary>
    public uint FromClock;
}

/// <summary>Must match struct tcp_latency_cfg in bpf/tcp_latency.h (the variable cfg, section .rodata.cfg, set before load).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TcpLatencyConfig
{
    /// <summary>The section (a map of libbpf's) that holds the configuration.</summary>
    public const string Section = ".rodata.cfg";

    /// <summary>0: no slow-request events.</summary>
    public ulong SlowThresholdNs;

    /// <summary>0: no connection-close events.</summary>
    public uint CloseEvents;

    /// <summary>One receive in 2^shift that takes the stack's time is checked against the clock.</summary>
    public uint ReceiveCheckShift;

    /// <summary>0: receives always read the clock; else the most a checked stack time may lag the clock before it counts as stale.</summary>
    public ulong ReceiveMaxAgeNs;
}
