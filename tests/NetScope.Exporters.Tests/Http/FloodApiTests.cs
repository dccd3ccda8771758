using System.Text;
using System.Text.Json;
using NetScope.Exporters.Abstractions;
using NetScope.Exporters.Http;

namespace NetScope.Exporters.Tests.Http;

public class FloodApiTests
{
    private static JsonElement Render(FloodSnapshot snapshot, int maxOffenders = 10)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            FloodApi.Write(writer, snapshot, maxOffenders);
        }

        return JsonDocument.Parse(Encoding.UTF8.GetString(buffer.ToArray())).RootElement;
    }

    [Fact]
    public void WritesTheDocumentedShape()
    {
        var snapshot = new FloodSnapshot(
            3,
            [new FloodInterfaceStatus("eth0", true), new FloodInterfaceStatus("eth1", false)],
            [
                new FloodRuleStatus(0, "login", "drop", "enforce", 120, 80, 0, 2, 1,
                    [new FloodOffender("192.0.2.7", "blocked", 12.3456, 61)]),
            ]);

        JsonElement root = Render(snapshot);
        Assert.Equal(3, root.GetProperty("generation").GetInt64());
        JsonElement eth1 = root.GetProperty("interfaces")[1];
        Assert.Equal("eth1", eth1.GetProperty("name").GetString());
        Assert.False(eth1.GetProperty("attached").GetBoolean());
        JsonElement rule = Assert.Single(root.GetProperty("rules").EnumerateArray());
        Assert.Equal(
            ["id", "name", "action", "mode", "matches", "drops", "shadow_drops", "alerts", "blocked_sources", "top_offenders"],
            rule.EnumerateObject().Select(p => p.Name));
        Assert.Equal(80UL, rule.GetProperty("drops").GetUInt64());
        JsonElement offender = Assert.Single(rule.GetProperty("top_offenders").EnumerateArray());
        Assert.Equal(["source", "state", "block_expires_in_seconds", "window_count"], offender.EnumerateObject().Select(p => p.Name));
        Assert.Equal("192.0.2.7", offender.GetProperty("source").GetString());
        Assert.Equal("blocked", offender.GetProperty("state").GetString());
        Assert.Equal(12.346, offender.GetProperty("block_expires_in_seconds").GetDouble());
        Assert.Equal(61UL, offender.GetProperty("window_count").GetUInt64());
    }

    [Fact]
    public void OffendersAreBounded()
    {
        FloodOffender[] many = [.. Enumerable.Range(0, 25).Select(i => new FloodOffender($"10.0.0.{i}", "shadow-blocked", 1, (ulong)i))];
        var snapshot = new FloodSnapshot(1, [], [new FloodRuleStatus(0, "r", "drop", "shadow", 0, 0, 0, 0, 25, many)]);
        Assert.Equal(10, Render(snapshot).GetProperty("rules")[0].GetProperty("top_offenders").GetArrayLength());
    }

    [Fact]
    public void NoRulesIsAnEmptyList()
    {
        JsonElement root = Render(new FloodSnapshot(0, [], []));
        Assert.Equal(0, root.GetProperty("generation").GetInt64());
        Assert.Equal(0, root.GetProperty("rules").GetArrayLength());
        Assert.Equal(0, root.GetProperty("interfaces").GetArrayLength());
    }
}
