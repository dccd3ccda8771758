using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Probes;
using NetScope.Exporters.Abstractions;
using NetScope.Exporters.Http;
using NetScope.Native;
using Prometheus;

namespace NetScope.Agent.Hosting;

/// <summary>Builds the agent: a Microsoft.Extensions.Hosting web host with one hosted service per probe.</summary>
internal static class AgentHost
{
    public static WebApplication Build(AgentOptions options, LogLevel logLevel)
    {
        // The empty builder, not the slim one: the agent's settings come from its YAML file and flags, and
        // the defaults would also load appsettings.json with reload-on-change, which puts a recursive
        // inotify watch on the working directory (about 38,000 watches from "/") and wakes the agent
        // whenever anything below it changes.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(k => k.ConfigureNetScopeEndpoint(options.Listen, options.Web));

        // Each host gets its own registry: tests run several agents in one process.
        var registry = Metrics.NewCustomRegistry();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton(new KernelFeatures());
        builder.Services.AddSingleton<RungSelector>();
        builder.Services.AddSingleton<BuildInfoMetric>();
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddHostedService<SignalHandlers>();
        builder.Services.AddSingleton<KernelPreparation>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KernelPreparation>());
        builder.Services.AddSingleton<TcpLatencyService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TcpLatencyService>());
        builder.Services.AddSingleton<IKernelHistogramSource>(sp => sp.GetRequiredService<TcpLatencyService>());
        builder.Services.AddSingleton<TcpEventsService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TcpEventsService>());
        builder.Services.AddSingleton<IEventsView>(sp => sp.GetRequiredService<TcpEventsService>());
        builder.Services.AddSingleton(new Aggregation.HeatmapStore(options.Config.Heatmap.Columns));
        builder.Services.AddHostedService<HeatmapService>();
        builder.Services.AddSingleton<IHeatmapView, HeatmapView>();

        // OTLP push (off without an endpoint); after TcpLatencyService so it stops first and flushes.
        builder.Services.AddHostedService<OtlpExportService>();

        // XDP HTTP-flood filter: the service owns the per-interface objects and applies rule sets.
        builder.Services.AddSingleton<HttpFloodService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<HttpFloodService>());
        builder.Services.AddSingleton<Rules.IFloodRuleSink>(sp => sp.GetRequiredService<HttpFloodService>());
        builder.Services.AddSingleton<IFloodView>(sp => sp.GetRequiredService<HttpFloodService>());

        // Rules: loads, validates and compiles the config's rules at start and on every reload.
        builder.Services.AddSingleton<RulesReloader>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RulesReloader>());

        WebApplication app = builder.Build();
        app.UseNetScopeBasicAuth(options.Web);
        app.Services.GetRequiredService<BuildInfoMetric>();
        app.MapNetScopeMetrics(registry, app.Services.GetServices<IKernelHistogramSource>());
        app.MapFloodApi(app.Services.GetRequiredService<IFloodView>());
        app.MapHeatmapApi(app.Services.GetRequiredService<IHeatmapView>());
        app.MapEventsApi(app.Services.GetRequiredService<IEventsView>());
        app.MapNetScopeWebUi();
        Readiness readiness = app.Services.GetRequiredService<Readiness>();
        // A RequestDelegate (context => Task), like every endpoint here: a handler of another shape goes through
        // RequestDelegateFactory, which compiles an expression tree at run time (~8 MB RSS; AgentHostTests).
        app.MapGet("/readyz", context => (readiness.IsReady ? Results.Text("ready\n") : Results.Text("probes not attached yet\n", statusCode: 503)).ExecuteAsync(context));
        app.Lifetime.ApplicationStarted.Register(() =>
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("NetScope.Agent").LogInformation("Serving the web page at /, /metrics, /healthz, /readyz, /api/v1/flood, /api/v1/heatmap and /api/v1/events on {Scheme}://{Listen}{Auth}",
                options.Web?.Tls is null ? "http" : "https", options.Listen, options.Web?.RequiresBasicAuth == true ? " with basic auth" : string.Empty));
        return app;
    }
}
