using NetScope.Agent.Hosting;
using NetScope.Agent.Top;

namespace NetScope.Agent.Tests.Top;

public class TopSettingsTests
{
    private static readonly Func<string, string?> s_noEnvironment = _ => null;

    [Fact]
    public void DefaultsReadTheLocalAgentEverySecond()
    {
        Assert.True(TopSettings.TryCreate(new TopVerb(), s_noEnvironment, out TopSettings? settings, out _));
        Assert.Equal(new Uri("http://127.0.0.1:9745"), settings.Agent);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.Interval);
        Assert.Null(settings.User);
    }

    [Fact]
    public void PasswordComesFromTheEnvironment()
    {
        var verb = new TopVerb { User = "prometheus" };
        Assert.True(TopSettings.TryCreate(verb, n => n == TopSettings.PasswordVariable ? "s3cret" : null, out TopSettings? settings, out _));
        Assert.Equal("s3cret", settings.Password);
    }

    [Fact]
    public void PasswordFileWinsAndLosesItsNewline()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "fromfile\n");
            var verb = new TopVerb { User = "u", PasswordFile = file };
            Assert.True(TopSettings.TryCreate(verb, _ => "fromenv", out TopSettings? settings, out _));
            Assert.Equal("fromfile", settings.Password);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void UserWithoutPasswordSaysWhereToPutIt()
    {
        Assert.False(TopSettings.TryCreate(new TopVerb { User = "u" }, s_noEnvironment, out _, out string? error));
        Assert.Contains(TopSettings.PasswordVariable, error);
    }

    [Fact]
    public void ClientCertificateNeedsItsKey()
    {
        var verb = new TopVerb { Agent = "https://node1:9745", CertFile = "c.pem" };
        Assert.False(TopSettings.TryCreate(verb, s_noEnvironment, out _, out string? error));
        Assert.Contains("--key-file", error);
    }

    [Theory]
    [InlineData("0.05")]
    [InlineData("abc")]
    [InlineData("4000")]
    public void IntervalOutOfRangeIsRefused(string interval)
    {
        Assert.False(TopSettings.TryCreate(new TopVerb { Interval = interval }, s_noEnvironment, out _, out string? error));
        Assert.StartsWith($"--interval '{interval}'", error);
    }
}
