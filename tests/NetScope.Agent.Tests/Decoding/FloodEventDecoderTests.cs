using System.Buffers.Binary;
using System.Net;
using NetScope.Agent.Decoding;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Tests.Decoding;

public class FloodEventDecoderTests
{
    /// <summary>A struct hf_event laid out by hand from bpf/http_flood.h (not through the C# mirror).</summary>
    private static byte[] Record(byte type, byte[] address, uint count, uint ruleId, ushort dport, byte family, byte mode, byte reason)
    {
        var bytes = new byte[48];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0), 5_000_000_000);      // timestamp_ns
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), 8_000_000_000);      // block_expires_ns
        address.CopyTo(bytes, 16);                                                      // addr[16]
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32), count);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(36), ruleId);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(40), dport);
        bytes[42] = type;
        bytes[43] = family;
        bytes[44] = mode;
        bytes[45] = reason;
        return bytes;
    }

    [Fact]
    public void RecordSizeMatchesTheCStruct() => Assert.Equal(48, FloodEventDecoder.RecordSize);

    [Fact]
    public void DecodesABlockedEventFromAnIPv4Source()
    {
        byte[] mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7];
        Assert.True(FloodEventDecoder.TryDecode(Record(2, mapped, 21, 3, 8080, 2, 1, 0), out FloodEvent e));
        Assert.Equal(HfEventType.Blocked, e.Type);
        Assert.Equal("blocked", e.TypeName);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), e.Source);
        Assert.Equal(21u, e.Count);
        Assert.Equal(3, e.RuleId);
        Assert.Equal((ushort)8080, e.DestinationPort);
        Assert.Equal(HfMode.Shadow, e.Mode);
        Assert.Equal(5_000_000_000UL, e.TimestampNs);
        Assert.Equal(8_000_000_000UL, e.BlockExpiresNs);
    }

    [Fact]
    public void DecodesAnUnblockedEventFromAnIPv6Source()
    {
        byte[] address = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        Assert.True(FloodEventDecoder.TryDecode(Record(3, address, 0, 31, 443, 10, 0, 1), out FloodEvent e));
        Assert.Equal("unblocked", e.TypeName);
        Assert.Equal("rule_gone", e.ReasonName);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), e.Source);
        Assert.Equal(31, e.RuleId);
        Assert.Equal(HfMode.Enforce, e.Mode);
    }

    [Fact]
    public void ThresholdCrossedHasItsName()
    {
        Assert.True(FloodEventDecoder.TryDecode(Record(1, new byte[16], 51, 0, 80, 10, 0, 0), out FloodEvent e));
        Assert.Equal("threshold_crossed", e.TypeName);
    }

    [Fact]
    public void ShortRecordIsRefused() => Assert.False(FloodEventDecoder.TryDecode(new byte[47], out _));

    [Fact]
    public void AddressesRoundTripInTheKernelForm()
    {
        Span<byte> bytes = stackalloc byte[16];
        FloodAddress.Write(IPAddress.Parse("10.0.0.1"), bytes);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1 }, bytes.ToArray());
        Assert.Equal(IPAddress.Parse("10.0.0.1"), FloodAddress.ToIPAddress(bytes));
    }
}
