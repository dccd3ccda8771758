using System.Net;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.Configuration;

/// <summary>The validated YAML configuration (see docs/configuration.md and docs/rules.md). Immutable.</summary>
internal sealed record AgentConfig
{
    /// <summary>Where the config came from (a path, or "embedded default config").</summary>
    public string Source { get; init; } = EmbeddedDefaultConfig.SourceName;

    /// <summary>HTTP listener for /metrics, /healthz, /readyz.</summary>
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 9745);

    /// <summary>Rungs the tracing probes may use, best first.</summary>
    public IReadOnlySet<HookRung> Rungs { get; init; } = new HashSet<HookRung>(Enum.GetValues<HookRung>());

    /// <summary>The tracepoint rung's hook set: null chooses (sock where the kernel has it, else syscalls).</summary>
    public HookSet? TracepointHooks { get; init; }

    /// <summary>
    /// Interfaces for the XDP flood filter: null when the key is absent (the interface holding the
    /// default route), empty for `interfaces: []` (XDP off).
    /// </summary>
    public IReadOnlyList<string>? Interfaces { get; init; }

    /// <summary>Sources never dropped (loopback and the listen address are added by the compiler).</summary>
    public IReadOnlyList<IPNetwork> Allow { get; init; } = [];

    /// <summary>Flood rules, in file order.</summary>
    public IReadOnlyList<RuleConfig> Rules { get; init; } = [];

    /// <summary>Which TCP ports get their own series (`tcp:`).</summary>
    public TcpSeriesSettings Tcp { get; init; } = new();

    /// <summary>Latency heatmap: how often the kernel histograms are sampled and how many columns are kept.</summary>
    public HeatmapSettings Heatmap { get; init; } = new();

    /// <summary>Ring-buffer events of the TCP probe (`events:`).</summary>
    public EventsSettings Events { get; init; } = new();

    /// <summary>Show source addresses only as /24 (IPv4) or /48 (IPv6) networks in the API and logs.</summary>
    public bool TruncateSourceIps { get; init; }

    /// <summary>Sizes of the XDP per-source maps (applied when the filter attaches).</summary>
    public XdpLimits Xdp { get; init; } = new();

    /// <summary>OTLP metrics export (`otlp:` and the OTEL_* variables); null = off (no endpoint).</summary>
    public NetScope.Exporters.Otlp.OtlpExporterOptions? Otlp { get; init; }
}

/// <summary>`xdp:` map sizes. LRU maps: when full, the least recently seen source is forgotten.</summary>
/// <param name="MaxTrackedSources">hf_src_state entries: (source, rate rule) pairs counted at once.</param>
/// <param name="MaxBlockedSources">hf_blocks entries: sources blocked at once.</param>
internal sealed record XdpLimits(int MaxTrackedSources = 65536, int MaxBlockedSources = 65536);

/// <summary>Requests per window, e.g. 50/1s.</summary>
/// <param name="Count">Matching packets allowed per source per window.</param>
/// <param name="Window">Window length.</param>
internal sealed record Rate(uint Count, TimeSpan Window);

/// <summary>One validated rule of `rules:` (docs/rules.md).</summary>
internal sealed record RuleConfig
{
    public required string Name { get; init; }

    /// <summary>TCP destination ports; empty = any.</summary>
    public IReadOnlyList<ushort> Ports { get; init; } = [];

    /// <summary>HTTP methods; empty = any (requests rules only).</summary>
    public IReadOnlyList<HfMethod> Methods { get; init; } = [];

    /// <summary>Request path prefix (ASCII, at most 32 bytes); null = any.</summary>
    public string? PathPrefix { get; init; }

    /// <summary>Source networks; empty = any source.</summary>
    public IReadOnlyList<IPNetwork> Sources { get; init; } = [];

    public HfCountKind Count { get; init; } = HfCountKind.Requests;

    /// <summary>Null: static rule (every matching packet).</summary>
    public Rate? Threshold { get; init; }

    public HfAction Action { get; init; } = HfAction.Alert;

    public HfMode Mode { get; init; } = HfMode.Enforce;

    /// <summary>Block duration after crossing the threshold (drop rules); null = no block.</summary>
    public TimeSpan? BlockFor { get; init; }
}

/// <summary>`heatmap:` settings.</summary>
/// <param name="Interval">Time between two snapshots of the kernel histograms (one heatmap column).</param>
/// <param name="Columns">Columns kept per series (the heatmap's width; interval × columns of history).</param>
internal sealed record HeatmapSettings(TimeSpan Interval, int Columns)
{
    public HeatmapSettings()
        : this(TimeSpan.FromSeconds(1), 300)
    {
    }
}

/// <summary>
/// `tcp:` series cardinality. Listed ports always have their own series; other ports get one while fewer
/// than <paramref name="MaxTrackedSeries"/> dynamic series exist, then fold into port "other".
/// </summary>
/// <param name="Ports">Ports always tracked (server: local port, client: remote port).</param>
/// <param name="MaxTrackedSeries">Cap on dynamic (role, port) series.</param>
internal sealed record TcpSeriesSettings(IReadOnlyList<ushort> Ports, int MaxTrackedSeries)
{
    public TcpSeriesSettings()
        : this([], 64)
    {
    }
}

/// <summary>
/// `events:` the tcp_events ring buffer: connection-close records and slow-request exemplars
/// (docs/configuration.md). Histograms are never sampled; events are, above <paramref name="Budget"/>.
/// </summary>
/// <param name="SlowThreshold">Requests at least this slow produce an event; null: no slow-request events.</param>
/// <param name="ConnectionClose">Whether closing connections produce an event.</param>
/// <param name="Budget">Events per second the agent accepts before raising the sampling shift.</param>
/// <param name="RingSize">Bytes of the kernel ring (a power of two, at least a page).</param>
/// <param name="Keep">Recent events of each type kept for GET /api/v1/events.</param>
/// <param name="ExposeAddresses">Show endpoint addresses in the events API (ports, role and process are always shown).</param>
internal sealed record EventsSettings(
    TimeSpan? SlowThreshold,
    bool ConnectionClose,
    int Budget,
    int RingSize,
    int Keep,
    bool ExposeAddresses)
{
    public EventsSettings()
        : this(TimeSpan.FromMilliseconds(200), ConnectionClose: true, Budget: 1000, RingSize: 256 * 1024, Keep: 100, ExposeAddresses: false)
    {
    }
}
