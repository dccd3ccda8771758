using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetScope.Exporters.Abstractions;

namespace NetScope.Exporters.Http;

/// <summary>GET /api/v1/heatmap: the TCP latency heatmap's series, or one series' columns (docs/api.md).</summary>
public static class HeatmapApi
{
    /// <summary>Path of the endpoint.</summary>
    public const string Path = "/api/v1/heatmap";

    /// <summary>Maps the endpoint; the state is read from <paramref name="view"/> on every request.</summary>
    public static IEndpointRouteBuilder MapHeatmapApi(this IEndpointRouteBuilder endpoints, IHeatmapView view)
    {
        endpoints.MapGet(Path, async (HttpContext context) =>
        {
            IQueryCollection query = context.Request.Query;
            if (!query.ContainsKey("role") && !query.ContainsKey("port"))
            {
                if (query.ContainsKey("scale"))
                {
                    await JsonResponse.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "scale needs role and port");
                    return;
                }

                await JsonResponse.WriteAsync(context, w => Write(w, view.GetOverview()));
                return;
            }

            if (ValidateQuery(query, out string role, out ushort port, out int scale) is string error)
            {
                await JsonResponse.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
                return;
            }

            HeatmapSeriesDetail? detail = view.GetSeries(role, port, scale);
            if (detail is null)
            {
                await JsonResponse.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"no heatmap series for role {role}, port {port}");
                return;
            }

            await JsonResponse.WriteAsync(context, w => Write(w, detail));
        });
        return endpoints;
    }

    /// <summary>Validates role, port and scale; returns the error message, or null when they are valid.</summary>
    public static string? ValidateQuery(IQueryCollection query, out string role, out ushort port, out int scale)
    {
        role = query["role"].ToString();
        port = 0;
        scale = IHeatmapView.MaxScale;
        if (role is not ("server" or "client"))
        {
            return "role must be server or client";
        }

        if (!ushort.TryParse(query["port"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out port))
        {
            return "port must be an integer 0..65535";
        }

        if (!QueryParameters.TryOptionalInt(query, "scale", 0, IHeatmapView.MaxScale, ref scale))
        {
            return $"scale must be an integer 0..{IHeatmapView.MaxScale}";
        }

        return null;
    }

    /// <summary>Writes the overview's documented JSON shape.</summary>
    public static void Write(Utf8JsonWriter writer, HeatmapOverview overview)
    {
        writer.WriteStartObject();
        writer.WriteNumber("interval_seconds", overview.IntervalSeconds);
        writer.WriteNumber("columns", overview.Columns);
        writer.WriteStartArray("series");
        foreach (HeatmapSeriesSummary series in overview.Series)
        {
            writer.WriteStartObject();
            writer.WriteString("role", series.Role);
            writer.WriteString("port", series.Port);
            writer.WriteNumber("count", series.Count);
            writer.WriteNumber("rate_per_second", Math.Round(series.RatePerSecond, 3));
            WriteSeconds(writer, "p50_seconds", series.P50Seconds);
            WriteSeconds(writer, "p99_seconds", series.P99Seconds);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes one series' documented JSON shape.</summary>
    public static void Write(Utf8JsonWriter writer, HeatmapSeriesDetail detail)
    {
        writer.WriteStartObject();
        writer.WriteString("role", detail.Role);
        writer.WriteString("port", detail.Port);
        writer.WriteNumber("scale", detail.Scale);
        writer.WriteStartArray("bucket_upper_bounds_seconds");
        foreach (double bound in detail.BucketUpperBoundsSeconds)
        {
            writer.WriteNumberValue(bound);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("columns");
        foreach (HeatmapColumn column in detail.Columns)
        {
            writer.WriteStartObject();
            writer.WriteString("time", column.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            writer.WriteStartArray("counts");
            foreach (ulong count in column.Counts)
            {
                writer.WriteNumberValue(count);
            }

            writer.WriteEndArray();
            writer.WriteNumber("count", column.Count);
            writer.WriteNumber("sum_seconds", column.SumSeconds);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteSeconds(writer, "p50_seconds", detail.P50Seconds);
        WriteSeconds(writer, "p99_seconds", detail.P99Seconds);
        writer.WriteEndObject();
    }

    private static void WriteSeconds(Utf8JsonWriter writer, string name, double? seconds)
    {
        // An empty window has no percentile: null, not 0 (which would read as "very fast").
        if (seconds is double value)
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
