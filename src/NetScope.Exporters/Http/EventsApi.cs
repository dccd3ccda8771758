using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using NetScope.Exporters.Abstractions;

namespace NetScope.Exporters.Http;

/// <summary>GET /api/v1/events: recent connection-close and slow-request events (docs/api.md).</summary>
public static class EventsApi
{
    /// <summary>Path of the endpoint.</summary>
    public const string Path = "/api/v1/events";

    /// <summary>Events returned when no limit is given.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Largest limit accepted.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Maps the endpoint; events are read from <paramref name="view"/> on every request.</summary>
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder endpoints, IEventsView view)
    {
        endpoints.MapGet(Path, async (HttpContext context) =>
        {
            if (ValidateQuery(context.Request.Query, out string? type, out int limit) is string error)
            {
                await JsonResponse.WriteErrorAsync(context, StatusCodes.Status400BadRequest, error);
                return;
            }

            TcpEventsSnapshot snapshot = view.GetRecent(type, limit);
            await JsonResponse.WriteAsync(context, w => Write(w, snapshot));
        });
        return endpoints;
    }

    /// <summary>Validates type and limit; returns the error message, or null when they are valid.</summary>
    public static string? ValidateQuery(IQueryCollection query, out string? type, out int limit)
    {
        type = query.ContainsKey("type") ? query["type"].ToString() : null;
        limit = DefaultLimit;
        if (type is not null && !IEventsView.Types.Contains(type))
        {
            return $"type must be one of {string.Join(", ", IEventsView.Types)}";
        }

        if (!QueryParameters.TryOptionalInt(query, "limit", 1, MaxLimit, ref limit))
        {
            return $"limit must be a whole number from 1 to {MaxLimit}";
        }

        return null;
    }

    /// <summary>Writes the documented JSON shape; absent values are omitted rather than null.</summary>
    public static void Write(Utf8JsonWriter writer, TcpEventsSnapshot snapshot)
    {
        writer.WriteStartObject();
        writer.WriteNumber("sample_ratio", snapshot.SampleRatio);
        writer.WriteNumber("received", snapshot.Received);
        writer.WriteNumber("lost", snapshot.Lost);
        writer.WriteStartArray("events");
        foreach (TcpEventView e in snapshot.Events)
        {
            writer.WriteStartObject();
            writer.WriteString("type", e.Type);
            writer.WriteString("time", e.Time.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("role", e.Role);
            writer.WriteString("port", e.Port);
            writer.WriteNumber("local_port", e.LocalPort);
            writer.WriteNumber("remote_port", e.RemotePort);
            WriteIfSet(writer, "local_address", e.LocalAddress);
            WriteIfSet(writer, "remote_address", e.RemoteAddress);
            WriteIfSet(writer, "pid", (ulong?)e.Pid);
            WriteIfSet(writer, "comm", e.Comm);
            writer.WriteNumber("duration_seconds", e.DurationSeconds);
            writer.WriteNumber("srtt_seconds", e.SrttSeconds);
            WriteIfSet(writer, "bytes_sent", e.BytesSent);
            WriteIfSet(writer, "bytes_received", e.BytesReceived);
            WriteIfSet(writer, "retransmits", e.Retransmits);
            WriteIfSet(writer, "requests", e.Requests);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    /// <summary>Numbers that only some event types carry (all fit in a ulong: pid, counts, bytes).</summary>
    private static void WriteIfSet(Utf8JsonWriter writer, string name, ulong? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
