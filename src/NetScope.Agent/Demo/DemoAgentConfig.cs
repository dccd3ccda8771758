using System.Globalization;

namespace NetScope.Agent.Demo;

/// <summary>The demo agent's config: XDP on the clients' veth and one GET-flood drop rule (docs/rules.md).</summary>
internal static class DemoAgentConfig
{
    public const string RuleName = "get-flood";

    /// <summary>GETs per source per second before the rule blocks the source; the legitimate client stays well below.</summary>
    public const int Threshold = 50;

    /// <summary>How long a source that crossed the threshold is dropped.</summary>
    public const int BlockSeconds = 10;

    public static string Yaml(DemoNetwork network) => string.Create(CultureInfo.InvariantCulture, $"""
        # Written by `netscope demo` for one run (removed at exit). Keys: docs/configuration.md, docs/rules.md.
        interfaces: [{network.ClientVeth}]
        rules:
          - name: {RuleName}
            match: {"{"}ports: [{DemoNetwork.Port}], methods: [GET]{"}"}
            threshold: {Threshold}/1s
            action: drop
            block_for: {BlockSeconds}s

        """);
}
