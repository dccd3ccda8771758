using System.Runtime.InteropServices;

namespace NetScope.Agent.Probes;

// C# mirrors of bpf/http_flood.h: each must match its C struct byte for byte
// (checked against the compiled object's BTF by StructLayoutTests). See docs/xdp-design.md.

/// <summary>Constants of bpf/http_flood.h.</summary>
internal static class HttpFloodLimits
{
    public const int MaxRules = 32;      // HF_MAX_RULES
    public const int RuleSlots = 2;      // HF_RULE_SLOTS
    public const int MaxPorts = 8;       // HF_MAX_PORTS
    public const int PathPrefixMax = 32; // HF_PATH_PREFIX_MAX
    public const int AddressLength = 16; // HF_ADDR_LEN
}

/// <summary>enum hf_action.</summary>
internal enum HfAction : byte
{
    Alert = 0,
    Drop = 1,
}

/// <summary>enum hf_mode.</summary>
internal enum HfMode : byte
{
    Enforce = 0,
    Shadow = 1,
}

/// <summary>enum hf_count_kind.</summary>
internal enum HfCountKind : byte
{
    Requests = 0,
    Connections = 1,
}

/// <summary>enum hf_method: bit positions of hf_rule.method_mask and method counter offsets.</summary>
internal enum HfMethod
{
    Get = 0,
    Head = 1,
    Post = 2,
    Put = 3,
    Delete = 4,
    Options = 5,
    Patch = 6,
    Connect = 7,
    Trace = 8,
    Other = 9,
}

/// <summary>enum hf_event_type.</summary>
internal enum HfEventType : byte
{
    ThresholdCrossed = 1,
    Blocked = 2,
    Unblocked = 3,
}

/// <summary>Must match struct hf_lpm_key in bpf/http_flood.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct HfLpmKey
{
    public uint Prefixlen;
    public fixed byte Addr[16];
}

/// <summary>Must match struct hf_rule in bpf/http_flood.h (80 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct HfRule
{
    public byte Active;
    public HfAction Action;
    public HfMode Mode;
    public HfCountKind CountKind;
    public ushort MethodMask;
    public byte PortCount;
    public byte PathLen;
    public fixed ushort Ports[8];
    public fixed byte PathPrefix[32];
    public uint Threshold;
    public uint Pad;
    public ulong WindowNs;
    public ulong BlockNs;
}

/// <summary>Must match struct hf_state_key in bpf/http_flood.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct HfStateKey
{
    public fixed byte Addr[16];
    public uint RuleId;
}

/// <summary>Must match struct hf_state in bpf/http_flood.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct HfState
{
    public ulong WindowStartNs;
    public uint Count;
    public uint Flags;
}

/// <summary>Must match struct hf_block_key in bpf/http_flood.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct HfBlockKey
{
    public fixed byte Addr[16];
}

/// <summary>Must match struct hf_block in bpf/http_flood.h.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct HfBlock
{
    public ulong ExpiresNs;
    public uint RuleId;
    public uint Pad;
}

/// <summary>Must match struct hf_event in bpf/http_flood.h (48 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct HfEvent
{
    public ulong TimestampNs;
    public ulong BlockExpiresNs;
    public fixed byte Addr[16];
    public uint Count;
    public uint RuleId;
    public ushort Dport;
    public HfEventType Type;
    public byte Family;
    public HfMode Mode;
    public byte Reason;
    public fixed byte Pad[2];
}

/// <summary>Indexes of hf_counters (enum hf_counter); per-rule blocks are base + rule id.</summary>
internal static class HfCounter
{
    public const int Packets = 0;
    public const int Passed = 1;
    public const int Dropped = 2;
    public const int Allowlisted = 3;
    public const int BlockedDrops = 4;
    public const int BlockedShadow = 5;
    public const int EventsLost = 6;
    public const int TcpSyn = 7;
    public const int Unblocked = 8;
    public const int BlocksAdded = 9;
    public const int MethodBase = 16;
    public const int ParseBase = 32;
    public const int RuleMatches = 64;
    public const int RuleDrops = 96;
    public const int RuleShadowDrops = 128;
    public const int RuleAlerts = 160;
    public const int Max = 192;

    /// <summary>Pass reasons at ParseBase + i (enum parse_err in bpf/include/parsing_helpers.h), as metric label values.</summary>
    public static readonly string[] ParseReasons =
    [
        "eth_truncated", "vlan_truncated", "vlan_too_deep", "not_ip", "ipv4_truncated", "ipv4_bad_header",
        "ipv6_truncated", "ipv6_bad_header", "ipv6_ext_truncated", "ipv6_ext_too_deep", "fragment", "not_tcp",
        "tcp_truncated", "tcp_bad_doff",
    ];

    /// <summary>Method label values at MethodBase + enum hf_method.</summary>
    public static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "other"];
}
