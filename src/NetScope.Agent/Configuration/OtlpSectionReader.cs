using NetScope.Exporters.Configuration;
using NetScope.Exporters.Otlp;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetScope.Agent.Configuration;

/// <summary>
/// Reads `otlp:` (docs/configuration.md) with positioned errors, then resolves it with the standard OTEL_*
/// variables (<see cref="OtlpOptionsResolver"/>): the file wins, variables fill the gaps. Errors of values
/// from the file name file:line:col, errors of variables name the variable.
/// </summary>
internal sealed class OtlpSectionReader(YamlNodeReader reader, string source)
{
    private static readonly Dictionary<string, OtlpProtocol> s_protocols = new(StringComparer.Ordinal)
    {
        ["grpc"] = OtlpProtocol.Grpc,
        ["http/protobuf"] = OtlpProtocol.HttpProtobuf,
    };

    private OtlpSettings _settings = new();

    public void Read(YamlNode node)
    {
        reader.Mapping(node, "otlp", new Dictionary<string, Action<YamlNode>>
        {
            ["endpoint"] = value => _settings = _settings with { Endpoint = Text(value, "otlp.endpoint") },
            ["protocol"] = value => _settings = _settings with { Protocol = Sourced(value, "otlp.protocol", reader.Choice(value, "otlp.protocol", s_protocols)) },
            ["headers"] = value => _settings = _settings with { Headers = ReadHeaders(value) },
            ["interval"] = value => _settings = _settings with
            {
                Interval = Duration(value, "otlp.interval", OtlpOptionsResolver.MinInterval, OtlpOptionsResolver.MaxInterval),
            },
            ["timeout"] = value => _settings = _settings with
            {
                Timeout = Duration(value, "otlp.timeout", OtlpOptionsResolver.MinTimeout, OtlpOptionsResolver.MaxTimeout),
            },
            ["insecure"] = value => _settings = _settings with { Insecure = Sourced(value, "otlp.insecure", reader.Boolean(value, "otlp.insecure")) },
            ["certificate"] = value => _settings = _settings with { Certificate = Text(value, "otlp.certificate") },
            ["client_certificate"] = value => _settings = _settings with { ClientCertificate = Text(value, "otlp.client_certificate") },
            ["client_key"] = value => _settings = _settings with { ClientKey = Text(value, "otlp.client_key") },
        });
    }

    /// <summary>The export settings (null = export off), or null with every problem appended to <paramref name="errors"/>.</summary>
    public OtlpExporterOptions? Resolve(Func<string, string?> environment, List<string> errors) =>
        OtlpOptionsResolver.Resolve(_settings, environment, errors);

    private string Origin(Mark mark, string key) => $"{source}:{mark.Line}:{mark.Column}: {key}";

    private Sourced<T>? Sourced<T>(YamlNode node, string key, T? value)
        where T : struct =>
        value is { } v ? new Sourced<T>(v, Origin(node.Start, key)) : null;

    private Sourced<string>? Text(YamlNode node, string key) =>
        reader.Scalar(node, key) is { } text ? new Sourced<string>(text, Origin(node.Start, key)) : null;

    private Sourced<TimeSpan>? Duration(YamlNode node, string key, TimeSpan min, TimeSpan max)
    {
        string? text = reader.Scalar(node, key);
        TimeSpan? duration = text is null ? null : reader.Duration(node, key, text);
        if (duration is { } d && (d < min || d > max))
        {
            reader.Error(node.Start, $"{key}: '{text}' must be from {Format(min)} to {Format(max)}");
            return null;
        }

        return Sourced(node, key, duration);
    }

    private static string Format(TimeSpan span) =>
        span < TimeSpan.FromSeconds(1) ? $"{span.TotalMilliseconds}ms" : span < TimeSpan.FromMinutes(1) ? $"{span.TotalSeconds}s" : span < TimeSpan.FromHours(1) ? $"{span.TotalMinutes}m" : $"{span.TotalHours}h";

    private Sourced<IReadOnlyDictionary<string, string>>? ReadHeaders(YamlNode node)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (node is not YamlMappingNode mapping)
        {
            reader.Error(node.Start, "otlp.headers: expected a mapping of header names to values, e.g. {authorization: Bearer TOKEN}");
            return null;
        }

        foreach ((YamlNode key, YamlNode value) in mapping.Children)
        {
            string? name = reader.Scalar(key, "otlp.headers");
            string? text = reader.Scalar(value, $"otlp.headers.{name}");
            if (name is null || text is null)
            {
                continue;
            }

            if (!headers.TryAdd(name, text))
            {
                reader.Error(key.Start, $"otlp.headers: '{name}' is listed twice");
            }
        }

        return new Sourced<IReadOnlyDictionary<string, string>>(headers, Origin(node.Start, "otlp.headers"));
    }
}
