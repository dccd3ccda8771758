using NetScope.Agent.Hosting;

namespace NetScope.Agent.Tests.Hosting;

public class DefaultRouteInterfaceTests
{
    private const string Header = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\t\t\n";

    [Fact]
    public void PicksTheFirstUpDefaultRoute()
    {
        string text = Header
            + "eth1\t0011A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\t\t\n"
            + "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\t\t\n"
            + "wlan0\t00000000\t0102A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\t\t\n";
        Assert.Equal("eth0", DefaultRouteInterface.Parse(text));
    }

    [Fact]
    public void IgnoresRoutesThatAreDownOrNotSlashZero()
    {
        string text = Header
            + "eth0\t00000000\t0101A8C0\t0002\t0\t0\t100\t00000000\t0\t0\t0\t\t\n" // RTF_UP clear
            + "eth1\t00000000\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\t\t\n"; // 0.0.0.0/8
        Assert.Null(DefaultRouteInterface.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData(Header)]
    [InlineData(Header + "garbage\n")]
    public void NoDefaultRouteIsNull(string text) => Assert.Null(DefaultRouteInterface.Parse(text));
}
