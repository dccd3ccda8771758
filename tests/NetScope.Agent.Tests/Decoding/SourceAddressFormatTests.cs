using System.Net;
using NetScope.Agent.Configuration;
using NetScope.Agent.Decoding;

namespace NetScope.Agent.Tests.Decoding;

public class SourceAddressFormatTests
{
    [Theory]
    [InlineData("203.0.113.77", false, "203.0.113.77")]
    [InlineData("203.0.113.77", true, "203.0.113.0/24")]
    [InlineData("2001:db8:abcd:12::9", true, "2001:db8:abcd::/48")]
    [InlineData("2001:db8:abcd:12::9", false, "2001:db8:abcd:12::9")]
    public void TruncatesToNetworksWhenAsked(string address, bool truncate, string expected) =>
        Assert.Equal(expected, SourceAddressFormat.Format(IPAddress.Parse(address), truncate));

    [Fact]
    public void ConfigKeyTurnsItOn()
    {
        Assert.True(ConfigLoader.Parse("privacy: {truncate_source_ips: true}\n", "p").TruncateSourceIps);
        Assert.False(ConfigLoader.Parse("", "p").TruncateSourceIps);
        Assert.Throws<ConfigException>(() => ConfigLoader.Parse("privacy: {truncate_source_ips: maybe}\n", "p"));
    }
}
