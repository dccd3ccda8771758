using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Configuration;
using NetScope.Agent.Hosting;
using NetScope.Agent.SelfTest;
using NetScope.Tests.Shared;

namespace NetScope.Kernel.Tests;

/// <summary>docs/metrics.md and /metrics agree: every family served is documented with its type, and every documented family is served.</summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public partial class MetricsDocumentationTests
{
    [SkippableFact]
    public async Task EveryServedFamilyIsDocumentedWithItsTypeAndEveryDocumentedOneIsServed()
    {
        KernelTestGuard.Require();
        Dictionary<string, string> documented = DocumentedFamilies();
        using TestVeth veth = TestVeth.Create();
        int port = AgentProcess.FreePort();

        // Everything on: XDP with a rule, and OTLP to a port nobody listens on (its exports fail, and are counted).
        string yaml = $"""
            interfaces: [{veth.Name}]
            rules:
              - name: docs-check
                match: {"{"}ports: [80], methods: [GET]{"}"}
                threshold: 100/1s
                action: drop
            otlp:
              endpoint: http://127.0.0.1:{AgentProcess.FreePort()}
              interval: 1s
              timeout: 200ms
            """;
        AgentConfig config = ConfigLoader.Parse(yaml, "docs-check.yaml");
        WebApplication app = AgentHost.Build(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, port), Config = config }, LogLevel.Warning);
        await app.StartAsync();
        try
        {
            await using (var server = new LoopbackEchoServer())
            {
                await server.RoundTripsAsync(3);
            }

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Dictionary<string, string> served = [];
            for (int attempt = 0; attempt < 30 && !documented.Keys.All(served.ContainsKey); attempt++)
            {
                await Task.Delay(200);
                served = TypeLine().Matches(await http.GetStringAsync("/metrics")).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            }

            foreach ((string name, string type) in served)
            {
                Assert.True(documented.TryGetValue(name, out string? documentedType), $"/metrics serves {name}, which docs/metrics.md does not document");
                Assert.True(documentedType == type, $"{name} is a {type} on /metrics but a {documentedType} in docs/metrics.md");
            }

            Assert.Empty(documented.Keys.Except(served.Keys));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Family name → type from the metric table of docs/metrics.md (a row may list several names).</summary>
    private static Dictionary<string, string> DocumentedFamilies()
    {
        var families = new Dictionary<string, string>();
        foreach (string line in File.ReadLines(Path.Combine(RepoPaths.Root, "docs", "metrics.md")))
        {
            string[] cells = line.Split('|');
            if (cells.Length < 4 || !cells[1].TrimStart().StartsWith("`netscope_", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (Match name in Regex.Matches(cells[1], "`(netscope_[a-z0-9_]+)`"))
            {
                families[name.Groups[1].Value] = cells[2].Trim();
            }
        }

        Assert.True(families.Count > 20, $"only {families.Count} metrics found in docs/metrics.md: has the table changed shape?");
        return families;
    }

    [GeneratedRegex(@"^# TYPE (\S+) (\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();
}
