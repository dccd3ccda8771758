using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Hosting;
using Xunit;

namespace NetScope.Agent.Tests.Hosting;

public sealed class AgentHostTests
{
    [Fact]
    public async Task Host_reads_no_settings_files_so_it_watches_no_directory()
    {
        // appsettings.json with reload-on-change would put a recursive inotify watch on the working
        // directory (a DaemonSet's "/" is tens of thousands of watches) and wake the agent on every change.
        await using WebApplication app = AgentHost.Build(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, LogLevel.Warning);

        IConfigurationRoot configuration = Assert.IsAssignableFrom<IConfigurationRoot>(app.Configuration);
        Assert.DoesNotContain(configuration.Providers, p => p is FileConfigurationProvider);
    }
}
