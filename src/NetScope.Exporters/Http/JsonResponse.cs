using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NetScope.Exporters.Http;

/// <summary>Writes a JSON body with a hand-written shape (the API's names are its contract; no reflection).</summary>
internal static class JsonResponse
{
    public static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        write(writer);
        await writer.FlushAsync(context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, int status, string message) =>
        WriteAsync(context, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        }, status);
}
