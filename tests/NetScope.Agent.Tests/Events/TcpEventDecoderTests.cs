using System.Buffers.Binary;
using NetScope.Agent.Events;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Tests.Events;

public class TcpEventDecoderTests
{
    /// <summary>A struct tcp_event laid out by hand at the offsets of bpf/tcp_latency.h (checked against BTF by StructLayoutTests).</summary>
    internal static byte[] Fixture(byte type = 2, byte role = 1, byte[]? remote = null, string comm = "nginx")
    {
        byte[] record = new byte[104];
        record[0] = type;
        record[1] = role;
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(2), 8080);   // series_port
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(4), 8080);   // local_port
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(6), 51000);  // remote_port
        byte[] local = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1];
        local.CopyTo(record, 8);
        (remote ?? [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 77]).CopyTo(record, 24);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(40), 4242);   // pid
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(44), 350);    // srtt_us
        System.Text.Encoding.ASCII.GetBytes(comm).CopyTo(record, 48);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(64), 1_000_000_000);  // timestamp_ns
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(72), 250_000_000);    // duration_ns
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(80), 1234);           // bytes_sent
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(88), 567);            // bytes_received
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(96), 3);              // retransmits
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(100), 9);             // requests
        return record;
    }

    [Fact]
    public void RecordSizeIsTheCStructs() => Assert.Equal(104, TcpEventDecoder.RecordSize);

    [Fact]
    public void DecodesEveryField()
    {
        Assert.True(TcpEventDecoder.TryDecode(Fixture(type: 1), out TcpEventRecord e));
        Assert.Equal(TcpEventType.ConnectionClose, e.Type);
        Assert.Equal(TcpRole.Server, e.Role);
        Assert.Equal(8080, e.SeriesPort);
        Assert.Equal(8080, e.LocalPort);
        Assert.Equal(51000, e.RemotePort);
        Assert.Equal(4242u, e.Pid);
        Assert.Equal(350u, e.SrttUs);
        Assert.Equal(1_000_000_000UL, e.TimestampNs);
        Assert.Equal(250_000_000UL, e.DurationNs);
        Assert.Equal(1234UL, e.BytesSent);
        Assert.Equal(567UL, e.BytesReceived);
        Assert.Equal(3u, e.Retransmits);
        Assert.Equal(9u, e.Requests);
    }

    [Fact]
    public void RefusesShortRecordsAndUnknownTypesOrRoles()
    {
        Assert.False(TcpEventDecoder.TryDecode(Fixture().AsSpan(0, 103), out _));
        Assert.False(TcpEventDecoder.TryDecode(Fixture(type: 9), out _));
        Assert.False(TcpEventDecoder.TryDecode(Fixture(role: 0), out _));
    }

    [Fact]
    public void TheInPlaceViewIsTheDecodedRecordWithoutACopy()
    {
        byte[] record = Fixture(type: 2);
        Assert.True(TcpEventDecoder.IsWellFormed(record));
        ref readonly TcpEventRecord view = ref TcpEventDecoder.View(record);
        Assert.Equal(TcpEventType.SlowRequest, view.Type);
        Assert.Equal(9u, view.Requests);

        // A view, not a copy: it follows the bytes.
        record[100] = 10;
        Assert.Equal(10u, view.Requests);
    }
}
