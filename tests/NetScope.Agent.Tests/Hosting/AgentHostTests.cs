using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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

    [Fact]
    public async Task Every_endpoint_is_a_request_delegate_of_ours_not_one_compiled_at_run_time()
    {
        // A handler with parameters or a return value (e.g. `() => Results.Text(...)`) goes through ASP.NET's
        // RequestDelegateFactory, which builds an expression tree and compiles it on first use: it loads
        // System.Linq.Expressions and JIT-compiles dynamic methods, about 8 MB of RSS for three such endpoints.
        await using WebApplication app = AgentHost.Build(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) }, LogLevel.Warning);

        List<RouteEndpoint> endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().ToList();
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/readyz");
        Assert.All(endpoints, e =>
            Assert.StartsWith("netscope", e.RequestDelegate!.Method.DeclaringType!.Assembly.GetName().Name!, StringComparison.OrdinalIgnoreCase));
    }
}
