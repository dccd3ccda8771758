using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using NetScope.Exporters.Http;

namespace NetScope.Exporters.Tests.Http;

/// <summary>A minimal web app with the NetScope endpoint extensions on 127.0.0.1 and a kernel-assigned port.</summary>
internal sealed class WebTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebTestServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>Starts the server; <paramref name="map"/> adds endpoints after the stand-in /metrics, /healthz and /readyz.</summary>
    public static async Task<WebTestServer> StartAsync(WebConfig? web, Action<WebApplication>? map = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ConfigureNetScopeEndpoint(new IPEndPoint(IPAddress.Loopback, 0), web));
        WebApplication app = builder.Build();
        app.UseNetScopeBasicAuth(web);
        app.MapGet("/metrics", () => Results.Text("netscope_up 1\n"));
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => Results.Text("ready\n"));
        map?.Invoke(app);
        await app.StartAsync();

        // Kestrel reports the port it was given once it has bound.
        var bound = new Uri(app.Urls.Single());
        return new WebTestServer(app, new UriBuilder(bound) { Host = "127.0.0.1" }.Uri);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
