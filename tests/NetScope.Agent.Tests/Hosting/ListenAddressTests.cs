using System.Net;
using NetScope.Agent.Hosting;

namespace NetScope.Agent.Tests.Hosting;

public class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:9745", "127.0.0.1", 9745)]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData(":9745", "0.0.0.0", 9745)]
    [InlineData(" 10.1.2.3:80 ", "10.1.2.3", 80)]
    public void ParsesAddressAndPort(string text, string address, int port)
    {
        Assert.True(ListenAddress.TryParse(text, out IPEndPoint? endpoint, out _));
        Assert.Equal(IPAddress.Parse(address), endpoint.Address);
        Assert.Equal(port, endpoint.Port);
    }

    [Theory]
    [InlineData("localhost:9745")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("")]
    public void RejectsWithAMessageNamingTheFlag(string text)
    {
        Assert.False(ListenAddress.TryParse(text, out _, out string? error));
        Assert.StartsWith("--listen", error);
    }
}
