using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetScope.Exporters.Abstractions;

namespace NetScope.Exporters.Http;

/// <summary>GET /api/v1/flood: the XDP flood filter's rules, counters and top offenders (docs/api.md).</summary>
public static class FloodApi
{
    /// <summary>Path of the endpoint.</summary>
    public const string Path = "/api/v1/flood";

    /// <summary>Offenders listed per rule.</summary>
    public const int MaxOffendersPerRule = 10;

    /// <summary>Maps the endpoint; the state is read from <paramref name="view"/> on every request.</summary>
    public static IEndpointRouteBuilder MapFloodApi(this IEndpointRouteBuilder endpoints, IFloodView view)
    {
        endpoints.MapGet(Path, (HttpContext context) =>
        {
            FloodSnapshot snapshot = view.GetSnapshot(MaxOffendersPerRule);
            return JsonResponse.WriteAsync(context, writer => Write(writer, snapshot, MaxOffendersPerRule));
        });
        return endpoints;
    }

    /// <summary>
    /// Writes the documented JSON shape by hand: names are part of the API, and this needs no
    /// reflection-based serialiser.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, FloodSnapshot snapshot, int maxOffendersPerRule)
    {
        writer.WriteStartObject();
        writer.WriteNumber("generation", snapshot.Generation);
        writer.WriteStartArray("interfaces");
        foreach (FloodInterfaceStatus status in snapshot.Interfaces)
        {
            writer.WriteStartObject();
            writer.WriteString("name", status.Name);
            writer.WriteBoolean("attached", status.Attached);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("rules");
        foreach (FloodRuleStatus rule in snapshot.Rules)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", rule.Id);
            writer.WriteString("name", rule.Name);
            writer.WriteString("action", rule.Action);
            writer.WriteString("mode", rule.Mode);
            writer.WriteNumber("matches", rule.Matches);
            writer.WriteNumber("drops", rule.Drops);
            writer.WriteNumber("shadow_drops", rule.ShadowDrops);
            writer.WriteNumber("alerts", rule.Alerts);
            writer.WriteNumber("blocked_sources", rule.BlockedSources);
            writer.WriteStartArray("top_offenders");
            foreach (FloodOffender offender in rule.TopOffenders.Take(maxOffendersPerRule))
            {
                writer.WriteStartObject();
                writer.WriteString("source", offender.Source);
                writer.WriteString("state", offender.State);
                writer.WriteNumber("block_expires_in_seconds", Math.Round(offender.BlockExpiresInSeconds, 3));
                writer.WriteNumber("window_count", offender.WindowCount);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
