using System.Net;
using NetScope.Native;

namespace NetScope.Agent.Configuration;

/// <summary>The validated YAML configuration (see docs/configuration.md). Immutable.</summary>
internal sealed record AgentConfig
{
    /// <summary>Where the config came from (a path, or "embedded default").</summary>
    public string Source { get; init; } = EmbeddedDefaultConfig.SourceName;

    /// <summary>HTTP listener for /metrics, /healthz, /readyz.</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 9745);

    /// <summary>Rungs the tracing probes may use, best first.</summary>
    public IReadOnlySet<HookRung> Rungs { get; init; } = new HashSet<HookRung>(Enum.GetValues<HookRung>());

    /// <summary>Interfaces for the XDP flood filter (empty: XDP off).</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];
}
