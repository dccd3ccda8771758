using System.Net;
using NetScope.Agent.Hosting;
using NetScope.Agent.Probes;
using NetScope.Native;
using NetScope.Exporters.Configuration;
using YamlDotNet.RepresentationModel;

namespace NetScope.Agent.Configuration;

/// <summary>
/// Parses and validates the YAML config. It walks YamlDotNet's node tree rather than deserialising, so
/// every error (unknown key, wrong type, bad value) names source:line:col; all errors are reported at once.
/// </summary>
internal sealed class ConfigLoader
{
    private readonly YamlNodeReader _reader;
    private readonly string _source;
    private readonly Func<string, string?> _environment;

    /// <summary>Problems found after the YAML walk (settings combined with environment variables).</summary>
    private readonly List<string> _resolveErrors = [];

    private ConfigLoader(string source, Func<string, string?> environment)
    {
        _reader = new YamlNodeReader(source);
        _source = source;
        _environment = environment;
    }

    /// <summary>
    /// Loads a file; throws <see cref="ConfigException"/> listing every problem. <paramref name="environment"/>
    /// supplies the OTEL_* variables (default: the process environment).
    /// </summary>
    public static AgentConfig LoadFile(string path, Func<string, string?>? environment = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the config file: {ex.Message}");
        }

        return Parse(text, path, environment);
    }

    /// <summary>Parses YAML text; <paramref name="source"/> prefixes every message.</summary>
    public static AgentConfig Parse(string yaml, string source, Func<string, string?>? environment = null)
    {
        var loader = new ConfigLoader(source, environment ?? Environment.GetEnvironmentVariable);
        AgentConfig config = loader.Read(yaml);
        if (loader._reader.Errors.Count + loader._resolveErrors.Count > 0)
        {
            throw new ConfigException([.. loader._reader.Errors, .. loader._resolveErrors]);
        }

        return config with { Source = source };
    }

    private AgentConfig Read(string yaml)
    {
        YamlNode? root = _reader.LoadDocument(yaml);
        var otlp = new OtlpSectionReader(_reader, _source);
        if (root is null)
        {
            return new AgentConfig { Otlp = otlp.Resolve(_environment, _resolveErrors) };
        }

        var config = new AgentConfig();
        var rules = new RulesSectionReader(_reader);
        _reader.Mapping(root, "the config", new Dictionary<string, Action<YamlNode>>
        {
            ["listen"] = value => config = config with { Listen = ReadListen(value) ?? config.Listen },
            ["probes"] = value => config = ReadProbes(value, config),
            ["interfaces"] = value => config = config with { Interfaces = rules.ReadInterfaces(value) },
            ["allow"] = value => config = config with { Allow = rules.ReadNetworks(value, "allow") },
            ["rules"] = value => config = config with { Rules = rules.ReadRules(value) },
            ["xdp"] = value => config = config with { Xdp = ReadXdpLimits(value, config.Xdp) },
            ["tcp"] = value => config = config with { Tcp = ReadTcp(value, config.Tcp) },
            ["heatmap"] = value => config = config with { Heatmap = ReadHeatmap(value, config.Heatmap) },
            ["events"] = value => config = config with { Events = new EventsSectionReader(_reader).Read(value, config.Events) },
            ["privacy"] = value => _reader.Mapping(value, "privacy", new Dictionary<string, Action<YamlNode>>
            {
                ["truncate_source_ips"] = v => config = config with { TruncateSourceIps = _reader.Boolean(v, "privacy.truncate_source_ips") ?? false },
            }),
            ["otlp"] = otlp.Read,
        }, isRoot: true);
        return config with { Otlp = otlp.Resolve(_environment, _resolveErrors) };
    }

    private TcpSeriesSettings ReadTcp(YamlNode node, TcpSeriesSettings settings)
    {
        _reader.Mapping(node, "tcp", new Dictionary<string, Action<YamlNode>>
        {
            ["ports"] = value =>
            {
                var ports = new List<ushort>();
                foreach ((YamlNode item, string text) in _reader.Sequence(value, "tcp.ports"))
                {
                    if (!ushort.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ushort port) || port == 0)
                    {
                        _reader.Error(item.Start, $"tcp.ports: '{text}' is not a TCP port (1-65535)");
                    }
                    else if (!ports.Contains(port))
                    {
                        ports.Add(port);
                    }
                }

                if (ports.Count > 256)
                {
                    _reader.Error(value.Start, $"tcp.ports: {ports.Count} ports, at most 256");
                }

                settings = settings with { Ports = ports };
            },
            ["max_tracked_ports"] = value => settings = settings with { MaxTrackedSeries = (int?)_reader.WholeNumber(value, "tcp.max_tracked_ports", 0, 4096) ?? settings.MaxTrackedSeries },
        });
        return settings;
    }

    private HeatmapSettings ReadHeatmap(YamlNode node, HeatmapSettings settings)
    {
        _reader.Mapping(node, "heatmap", new Dictionary<string, Action<YamlNode>>
        {
            ["interval"] = value =>
            {
                string? text = _reader.Scalar(value, "heatmap.interval");
                TimeSpan? interval = text is null ? null : _reader.Duration(value, "heatmap.interval", text);
                if (interval is { } i && (i < TimeSpan.FromMilliseconds(100) || i > TimeSpan.FromMinutes(10)))
                {
                    _reader.Error(value.Start, $"heatmap.interval: '{text}' must be from 100ms to 10m");
                }
                else if (interval is { } ok)
                {
                    settings = settings with { Interval = ok };
                }
            },
            ["columns"] = value => settings = settings with { Columns = (int?)_reader.WholeNumber(value, "heatmap.columns", 2, 10_000) ?? settings.Columns },
        });
        return settings;
    }

    private XdpLimits ReadXdpLimits(YamlNode node, XdpLimits limits)
    {
        _reader.Mapping(node, "xdp", new Dictionary<string, Action<YamlNode>>
        {
            ["max_tracked_sources"] = value => limits = limits with { MaxTrackedSources = ReadMapSize(value, "xdp.max_tracked_sources") ?? limits.MaxTrackedSources },
            ["max_blocked_sources"] = value => limits = limits with { MaxBlockedSources = ReadMapSize(value, "xdp.max_blocked_sources") ?? limits.MaxBlockedSources },
        });
        return limits;
    }

    private int? ReadMapSize(YamlNode node, string key) => (int?)_reader.WholeNumber(node, key, 1024, 16 * 1024 * 1024);

    private IPEndPoint? ReadListen(YamlNode node)
    {
        string? text = _reader.Scalar(node, "listen");
        if (text is null)
        {
            return null;
        }

        if (!ListenAddress.TryParse(text, out IPEndPoint? endpoint, out _))
        {
            _reader.Error(node.Start, $"listen: '{text}' is not ADDRESS:PORT (e.g. 127.0.0.1:9745 or [::1]:9745)");
        }

        return endpoint;
    }

    private AgentConfig ReadProbes(YamlNode node, AgentConfig config)
    {
        _reader.Mapping(node, "probes", new Dictionary<string, Action<YamlNode>>
        {
            ["rungs"] = value =>
            {
                var rungs = new HashSet<HookRung>();
                foreach ((YamlNode item, string text) in _reader.Sequence(value, "probes.rungs"))
                {
                    if (!Names.TryParse(text, out HookRung rung))
                    {
                        _reader.Error(item.Start, $"probes.rungs: '{text}' is not one of fentry, kprobe, tracepoint");
                    }
                    else if (!rungs.Add(rung))
                    {
                        _reader.Error(item.Start, $"probes.rungs: '{text}' is listed twice");
                    }
                }

                if (rungs.Count == 0 && value is YamlSequenceNode)
                {
                    _reader.Error(value.Start, "probes.rungs: at least one rung is needed");
                }

                config = config with { Rungs = rungs.Count == 0 ? config.Rungs : rungs };
            },
            ["tracepoint_hooks"] = value =>
            {
                string? text = _reader.Scalar(value, "probes.tracepoint_hooks");
                if (text is null)
                {
                    return;
                }

                if (!TracepointHooks.TryParse(text, out HookSet? hookSet))
                {
                    _reader.Error(value.Start, $"probes.tracepoint_hooks: '{text}' is not one of {TracepointHooks.Choices}");
                }

                config = config with { TracepointHooks = hookSet };
            },
        });
        return config;
    }
}
