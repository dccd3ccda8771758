using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using NetScope.Exporters.Abstractions;
using NetScope.Exporters.Http;

namespace NetScope.Exporters.Tests.Http;

public class EventsApiTests
{
    private static readonly DateTimeOffset s_time = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private static JsonElement Render(TcpEventsSnapshot snapshot)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            EventsApi.Write(writer, snapshot);
        }

        return JsonDocument.Parse(Encoding.UTF8.GetString(buffer.ToArray())).RootElement;
    }

    [Fact]
    public void TheSnapshotHasTheDocumentedShape()
    {
        var slow = new TcpEventView("slow_request", s_time, "server", "8080", 8080, 51000, null, null, 42, "nginx", 0.25, 0.0003, null, null, null, null);
        var close = new TcpEventView("connection_close", s_time, "client", "other", 40000, 443, "10.0.0.1", "192.0.2.0/24", null, null, 3, 0.01, 10, 20, 1, 2);
        JsonElement root = Render(new TcpEventsSnapshot(0.5, 10, 2, [slow, close]));
        Assert.Equal(["sample_ratio", "received", "lost", "events"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.5, root.GetProperty("sample_ratio").GetDouble());
        JsonElement first = root.GetProperty("events")[0];
        Assert.Equal(
            ["type", "time", "role", "port", "local_port", "remote_port", "pid", "comm", "duration_seconds", "srtt_seconds"],
            first.EnumerateObject().Select(p => p.Name));
        JsonElement second = root.GetProperty("events")[1];
        Assert.Equal(
            ["type", "time", "role", "port", "local_port", "remote_port", "local_address", "remote_address", "duration_seconds", "srtt_seconds", "bytes_sent", "bytes_received", "retransmits", "requests"],
            second.EnumerateObject().Select(p => p.Name));
        Assert.Equal("2026-11-26T08:00:00.0000000+00:00", first.GetProperty("time").GetString());
    }

    [Fact]
    public async Task TimesAreWrittenWithTheirPlusSignNotAnEscape()
    {
        var slow = new TcpEventView("slow_request", s_time, "server", "8080", 8080, 51000, null, null, 42, "nginx", 0.25, 0.0003, null, null, null, null);
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await JsonResponse.WriteAsync(context, w => EventsApi.Write(w, new TcpEventsSnapshot(1, 1, 0, [slow])));
        string body = Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        Assert.Contains("\"2026-11-26T08:00:00.0000000+00:00\"", body);
    }

    [Theory]
    [InlineData("", null, null, 50)]
    [InlineData("slow_request", "5", null, 5)]
    [InlineData("connection_close", null, null, 50)]
    [InlineData("closes", null, "type must be one of connection_close, slow_request", 50)]
    [InlineData(null, "0", "limit must be a whole number from 1 to 1000", 0)]
    [InlineData(null, "1001", "limit must be a whole number from 1 to 1000", 1001)]
    [InlineData(null, "ten", "limit must be a whole number from 1 to 1000", 0)]
    public void ValidatesTheQuery(string? type, string? limit, string? error, int expectedLimit)
    {
        var values = new Dictionary<string, StringValues>();
        if (!string.IsNullOrEmpty(type))
        {
            values["type"] = type;
        }

        if (limit is not null)
        {
            values["limit"] = limit;
        }

        Assert.Equal(error, EventsApi.ValidateQuery(new QueryCollection(values), out _, out int parsedLimit));
        if (error is null)
        {
            Assert.Equal(expectedLimit, parsedLimit);
        }
    }
}
