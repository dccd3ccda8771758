using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetScope.Exporters.Abstractions;
using NetScope.Exporters.Prometheus;
using Prometheus;

namespace NetScope.Exporters.Http;

/// <summary>Maps /metrics and /healthz onto the agent's web host.</summary>
public static class MetricsEndpoints
{
    /// <summary>Prometheus text exposition content type.</summary>
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>
    /// /metrics: prometheus-net's registry (its before-collect callbacks read kernel counters) followed by
    /// the kernel histograms; /healthz: 200 "ok".
    /// </summary>
    public static IEndpointRouteBuilder MapNetScopeMetrics(
        this IEndpointRouteBuilder endpoints, CollectorRegistry registry, IEnumerable<IKernelHistogramSource> histogramSources)
    {
        IKernelHistogramSource[] sources = histogramSources.ToArray();
        endpoints.MapGet("/metrics", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await registry.CollectAndExportAsTextAsync(buffer, context.RequestAborted);
            var text = new StringBuilder(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            foreach (IKernelHistogramSource source in sources)
            {
                KernelHistogramTextWriter.Write(text, source.CollectHistograms());
            }

            context.Response.ContentType = TextContentType;
            await context.Response.WriteAsync(text.ToString(), context.RequestAborted);
        });
        endpoints.MapGet("/healthz", context => Results.Text("ok\n").ExecuteAsync(context));
        return endpoints;
    }
}
