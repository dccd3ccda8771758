using System.Net;
using NetScope.Native;

namespace NetScope.Agent.Hosting;

/// <summary>Validated settings of `netscope run`.</summary>
internal sealed class AgentOptions
{
    /// <summary>Default metrics endpoint: loopback only, so nothing is exposed unless configured.</summary>
    public static readonly IPEndPoint DefaultListen = new(IPAddress.Loopback, 9745);

    public IPEndPoint Listen { get; init; } = DefaultListen;

    /// <summary>The --config file, or null for the embedded default.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>
    /// The configuration validated at start. Hosts built without one (tests) get no XDP interfaces and
    /// no rules, so they never attach to a real interface by accident.
    /// </summary>
    public Configuration.AgentConfig Config { get; init; } = new() { Interfaces = [] };

    /// <summary>Rungs the probes may use (all by default; tests and `selftest` narrow it).</summary>
    public IReadOnlySet<HookRung> AllowedRungs { get; init; } = new HashSet<HookRung>(Enum.GetValues<HookRung>());

    /// <summary>TLS and basic auth for the HTTP endpoint (--web-config); null = plain HTTP, no auth.</summary>
    public NetScope.Exporters.Http.WebConfig? Web { get; init; }

    /// <summary>How long shutdown may take before the host gives up waiting.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
