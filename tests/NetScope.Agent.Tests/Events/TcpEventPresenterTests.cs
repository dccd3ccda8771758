using NetScope.Agent.Events;
using NetScope.Agent.Probes;
using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Tests.Events;

public class TcpEventPresenterTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private static TcpEventView Present(byte[] fixture, bool expose, bool truncate)
    {
        Assert.True(TcpEventDecoder.TryDecode(fixture, out TcpEventRecord record));
        // The event was made 1.5 s before "now" on the monotonic clock.
        return new TcpEventPresenter(expose, truncate).Present(record, monotonicNowNs: 2_500_000_000, s_now);
    }

    [Fact]
    public void SlowRequestShowsLatencyNotConnectionTotals()
    {
        TcpEventView view = Present(TcpEventDecoderTests.Fixture(type: 2), expose: true, truncate: false);
        Assert.Equal("slow_request", view.Type);
        Assert.Equal(s_now.AddSeconds(-1.5), view.Time);
        Assert.Equal("server", view.Role);
        Assert.Equal("8080", view.Port);
        Assert.Equal("10.0.0.1", view.LocalAddress);
        Assert.Equal("192.0.2.77", view.RemoteAddress);
        Assert.Equal(4242, view.Pid);
        Assert.Equal("nginx", view.Comm);
        Assert.Equal(0.25, view.DurationSeconds);
        Assert.Equal(0.00035, view.SrttSeconds, 9);
        Assert.Null(view.BytesSent);
        Assert.Null(view.Requests);
    }

    [Fact]
    public void ConnectionCloseCarriesTheConnectionsTotals()
    {
        TcpEventView view = Present(TcpEventDecoderTests.Fixture(type: 1), expose: true, truncate: false);
        Assert.Equal("connection_close", view.Type);
        Assert.Equal(1234UL, view.BytesSent);
        Assert.Equal(567UL, view.BytesReceived);
        Assert.Equal(3u, view.Retransmits);
        Assert.Equal(9u, view.Requests);
    }

    [Fact]
    public void AddressesAreHiddenByDefaultAndTruncatedOnRequest()
    {
        TcpEventView hidden = Present(TcpEventDecoderTests.Fixture(), expose: false, truncate: false);
        Assert.Null(hidden.LocalAddress);
        Assert.Null(hidden.RemoteAddress);
        Assert.Equal(51000, hidden.RemotePort);

        TcpEventView truncated = Present(TcpEventDecoderTests.Fixture(), expose: true, truncate: true);
        Assert.Equal("192.0.2.0/24", truncated.RemoteAddress);
    }

    [Fact]
    public void ShowsIPv6AndUnknownProcesses()
    {
        byte[] v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5];
        TcpEventView view = Present(TcpEventDecoderTests.Fixture(remote: v6, comm: string.Empty), expose: true, truncate: false);
        Assert.Equal("2001:db8::5", view.RemoteAddress);
        Assert.Null(view.Comm);
    }
}
