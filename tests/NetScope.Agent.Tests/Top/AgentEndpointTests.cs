using NetScope.Agent.Top;

namespace NetScope.Agent.Tests.Top;

public class AgentEndpointTests
{
    [Theory]
    [InlineData("127.0.0.1:9745", "http://127.0.0.1:9745/")]
    [InlineData("[::1]:9000", "http://[::1]:9000/")]
    [InlineData("node1:80", "http://node1/")]
    [InlineData("https://node1:9745", "https://node1:9745/")]
    [InlineData("http://10.0.0.1:9745/", "http://10.0.0.1:9745/")]
    public void AcceptsHostPortAndUrls(string text, string expected)
    {
        Assert.True(AgentEndpoint.TryParse(text, out Uri? uri, out _));
        Assert.Equal(expected, uri.ToString());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("node1")]
    [InlineData("ftp://node1:21")]
    [InlineData("http://node1:9745/api")]
    [InlineData("https://user:pw@node1:9745")]
    [InlineData("")]
    public void RejectsWithAMessageNamingTheFlag(string text)
    {
        Assert.False(AgentEndpoint.TryParse(text, out _, out string? error));
        Assert.StartsWith($"--agent '{text}'", error);
    }
}
