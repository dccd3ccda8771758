using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NetScope.Exporters.Http;

/// <summary>Writes a JSON body with a hand-written shape (the API's names are its contract; no reflection).</summary>
internal static class JsonResponse
{
    /// <summary>
    /// Escapes only what JSON requires (quotes, backslashes, control characters), not HTML's characters: the
    /// default encoder would write the "+" of every timestamp's offset as \u002B. Safe because the body is
    /// served as application/json and the web page inserts values as text, never as markup.
    /// </summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body, WriterOptions);
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
