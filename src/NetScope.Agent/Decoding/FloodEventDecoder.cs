using System.Net;
using System.Runtime.InteropServices;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Decoding;

/// <summary>One record of the hf_events ring buffer (struct hf_event), with the source as an address.</summary>
/// <param name="Type">What happened.</param>
/// <param name="RuleId">Rule id 0..31 of the active slot when the event was made.</param>
/// <param name="Mode">The rule's mode then.</param>
/// <param name="Source">The source address (IPv4 unmapped).</param>
/// <param name="Count">THRESHOLD_CROSSED/BLOCKED: matching packets in the window; else 0.</param>
/// <param name="DestinationPort">TCP destination port of the triggering packet.</param>
/// <param name="Reason">UNBLOCKED: 0 expired, 1 rule gone.</param>
/// <param name="TimestampNs">CLOCK_MONOTONIC ns of the event.</param>
/// <param name="BlockExpiresNs">BLOCKED/UNBLOCKED: block expiry, CLOCK_MONOTONIC ns; else 0.</param>
internal readonly record struct FloodEvent(
    HfEventType Type,
    int RuleId,
    HfMode Mode,
    IPAddress Source,
    uint Count,
    ushort DestinationPort,
    byte Reason,
    ulong TimestampNs,
    ulong BlockExpiresNs)
{
    /// <summary>Log/label form of the type: threshold_crossed, blocked, unblocked.</summary>
    public string TypeName => Type switch
    {
        HfEventType.ThresholdCrossed => "threshold_crossed",
        HfEventType.Blocked => "blocked",
        HfEventType.Unblocked => "unblocked",
        _ => "unknown",
    };

    /// <summary>UNBLOCKED reason as a word.</summary>
    public string ReasonName => Reason == 1 ? "rule_gone" : "expired";
}

/// <summary>Decodes struct hf_event records (pure; the only allocation is the source address).</summary>
internal static class FloodEventDecoder
{
    /// <summary>sizeof(struct hf_event).</summary>
    public static readonly int RecordSize = Marshal.SizeOf<HfEvent>();

    /// <summary>False when the record is shorter than struct hf_event (a mismatched object).</summary>
    public static unsafe bool TryDecode(ReadOnlySpan<byte> record, out FloodEvent decoded)
    {
        if (record.Length < RecordSize)
        {
            decoded = default;
            return false;
        }

        HfEvent raw = MemoryMarshal.Read<HfEvent>(record);
        IPAddress source = FloodAddress.ToIPAddress(new ReadOnlySpan<byte>(raw.Addr, FloodAddress.Length));
        decoded = new FloodEvent(raw.Type, (int)raw.RuleId, raw.Mode, source, raw.Count, raw.Dport, raw.Reason, raw.TimestampNs, raw.BlockExpiresNs);
        return true;
    }
}
