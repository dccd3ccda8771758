using System.Globalization;
using System.Security.Cryptography;

namespace NetScope.Exporters.Otlp;

/// <summary>
/// Combines the config file's otlp settings with the standard OpenTelemetry variables and validates the
/// result. The file wins; a variable fills what the file leaves unset, the metrics-specific
/// OTEL_EXPORTER_OTLP_METRICS_* before the generic OTEL_EXPORTER_OTLP_*. Without an endpoint export is off.
/// Plaintext (http://) to an endpoint that is not loopback is refused unless insecure is true, so metrics
/// and headers (often credentials) never cross the network unencrypted by accident.
/// </summary>
public static class OtlpOptionsResolver
{
    /// <summary>OTEL_METRIC_EXPORT_INTERVAL's default.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(60);

    /// <summary>OTEL_EXPORTER_OTLP_TIMEOUT's default.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Shortest interval: more often would only load the receiver.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    /// <summary>Longest interval.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    /// <summary>Shortest timeout.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest timeout.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(1);

    private const string Prefix = "OTEL_EXPORTER_OTLP_";
    private const string MetricsPrefix = "OTEL_EXPORTER_OTLP_METRICS_";

    /// <summary>The config key a setting is written under, for messages that name the alternative.</summary>
    private const string InsecureKey = "otlp.insecure";

    /// <summary>
    /// Returns the options, or null when no endpoint is set or something is invalid (each problem is added
    /// to <paramref name="errors"/> as "ORIGIN: message").
    /// </summary>
    public static OtlpExporterOptions? Resolve(OtlpSettings file, Func<string, string?> environment, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(errors);
        int before = errors.Count;
        var env = new Variables(environment, errors);

        Sourced<OtlpProtocol> protocol = file.Protocol ?? env.Protocol("PROTOCOL") ?? new(OtlpProtocol.HttpProtobuf, "default");
        Sourced<string>? endpointText = file.Endpoint;
        bool endpointIsBase = true;
        if (endpointText is null && env.Text(MetricsPrefix + "ENDPOINT") is { } metricsEndpoint)
        {
            // The signal-specific variable is the full URL, used as it is.
            endpointText = metricsEndpoint;
            endpointIsBase = false;
        }

        endpointText ??= env.Text(Prefix + "ENDPOINT");
        Sourced<bool> insecure = file.Insecure ?? env.Boolean("INSECURE") ?? new(false, "default");
        Sourced<string>? certificate = file.Certificate ?? env.Path("CERTIFICATE");
        Sourced<string>? clientCertificate = file.ClientCertificate ?? env.Path("CLIENT_CERTIFICATE");
        Sourced<string>? clientKey = file.ClientKey ?? env.Path("CLIENT_KEY");
        Sourced<TimeSpan> timeout = file.Timeout ?? env.Milliseconds("TIMEOUT", MinTimeout, MaxTimeout) ?? new(DefaultTimeout, "default");
        Sourced<TimeSpan> interval = file.Interval ?? env.IntervalMilliseconds() ?? new(DefaultInterval, "default");
        IReadOnlyDictionary<string, string> headers = file.Headers?.Value ?? env.Headers() ?? new Dictionary<string, string>();

        if (endpointText is null)
        {
            return null;
        }

        Uri? endpoint = ParseEndpoint(endpointText, protocol.Value, endpointIsBase, errors);
        if (endpoint is not null)
        {
            CheckTransportSecurity(endpoint, endpointText.Origin, insecure, certificate, clientCertificate, clientKey, errors);
        }

        CheckTlsFiles(certificate, clientCertificate, clientKey, errors);
        if (errors.Count > before || endpoint is null)
        {
            return null;
        }

        return new OtlpExporterOptions
        {
            Endpoint = endpoint,
            Protocol = protocol.Value,
            Headers = headers,
            Interval = interval.Value,
            Timeout = timeout.Value,
            Insecure = insecure.Value,
            CertificatePath = certificate?.Value,
            ClientCertificatePath = clientCertificate?.Value,
            ClientKeyPath = clientKey?.Value,
        };
    }

    /// <summary>The URL requests go to: a base endpoint gets /v1/metrics appended for http/protobuf (OTLP exporter spec).</summary>
    private static Uri? ParseEndpoint(Sourced<string> text, OtlpProtocol protocol, bool isBase, List<string> errors)
    {
        if (!Uri.TryCreate(text.Value, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{text.Origin}: '{text.Value}' is not an http:// or https:// URL (e.g. https://collector:4318)");
            return null;
        }

        if (protocol == OtlpProtocol.Grpc || !isBase)
        {
            return uri;
        }

        string path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath + "v1/metrics" : uri.AbsolutePath + "/v1/metrics";
        return new UriBuilder(uri) { Path = path }.Uri;
    }

    private static void CheckTransportSecurity(
        Uri endpoint,
        string endpointOrigin,
        Sourced<bool> insecure,
        Sourced<string>? certificate,
        Sourced<string>? clientCertificate,
        Sourced<string>? clientKey,
        List<string> errors)
    {
        if (endpoint.Scheme != Uri.UriSchemeHttp)
        {
            return;
        }

        if (!endpoint.IsLoopback && !insecure.Value)
        {
            errors.Add($"{endpointOrigin}: plaintext endpoint {endpoint.GetLeftPart(UriPartial.Authority)} is not loopback: "
                + $"use https://, or set {InsecureKey}: true (or {Prefix}INSECURE=true) to send metrics and headers unencrypted");
        }

        foreach (Sourced<string>? tls in new[] { certificate, clientCertificate, clientKey })
        {
            if (tls is not null)
            {
                errors.Add($"{tls.Origin}: a TLS file is set but the endpoint {endpoint.GetLeftPart(UriPartial.Authority)} is plaintext (http://): use https://");
            }
        }
    }

    /// <summary>Loads the PEM files once, so a bad path or key fails at start and in `netscope check`, not at the first export.</summary>
    private static void CheckTlsFiles(Sourced<string>? certificate, Sourced<string>? clientCertificate, Sourced<string>? clientKey, List<string> errors)
    {
        if (certificate is not null)
        {
            Try(certificate, () => OtlpTls.DisposeAll(OtlpTls.LoadCertificates(certificate.Value)), errors);
        }

        if ((clientCertificate is null) != (clientKey is null))
        {
            Sourced<string> given = (clientCertificate ?? clientKey)!;
            errors.Add($"{given.Origin}: client_certificate and client_key (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE/_CLIENT_KEY) go together: set both or neither");
        }
        else if (clientCertificate is not null && clientKey is not null)
        {
            Try(clientCertificate, () => OtlpTls.LoadClientCertificate(clientCertificate.Value, clientKey.Value).Dispose(), errors);
        }
    }

    private static void Try(Sourced<string> file, Action load, List<string> errors)
    {
        try
        {
            load();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            errors.Add($"{file.Origin}: cannot load '{file.Value}': {ex.Message}");
        }
    }

    /// <summary>Reads OTEL_* variables; an empty variable counts as unset, as in the OpenTelemetry spec.</summary>
    private sealed class Variables(Func<string, string?> environment, List<string> errors)
    {
        public Sourced<string>? Text(string name) =>
            environment(name) is { Length: > 0 } value ? new Sourced<string>(value.Trim(), name) : null;

        /// <summary>OTEL_EXPORTER_OTLP_METRICS_{suffix}, else OTEL_EXPORTER_OTLP_{suffix}.</summary>
        public Sourced<string>? Signal(string suffix) => Text(MetricsPrefix + suffix) ?? Text(Prefix + suffix);

        public Sourced<string>? Path(string suffix) => Signal(suffix);

        public Sourced<OtlpProtocol>? Protocol(string suffix)
        {
            Sourced<string>? text = Signal(suffix);
            switch (text?.Value)
            {
                case null:
                    return null;
                case "grpc":
                    return new(OtlpProtocol.Grpc, text.Origin);
                case "http/protobuf":
                    return new(OtlpProtocol.HttpProtobuf, text.Origin);
                default:
                    errors.Add($"{text.Origin}: '{text.Value}' is not one of grpc, http/protobuf (http/json is not supported)");
                    return null;
            }
        }

        public Sourced<bool>? Boolean(string suffix)
        {
            Sourced<string>? text = Signal(suffix);
            if (text is null)
            {
                return null;
            }

            if (bool.TryParse(text.Value, out bool value))
            {
                return new(value, text.Origin);
            }

            errors.Add($"{text.Origin}: '{text.Value}' is not true or false");
            return null;
        }

        public Sourced<TimeSpan>? Milliseconds(string suffix, TimeSpan min, TimeSpan max) => ParseMilliseconds(Signal(suffix), min, max);

        public Sourced<TimeSpan>? IntervalMilliseconds() => ParseMilliseconds(Text("OTEL_METRIC_EXPORT_INTERVAL"), MinInterval, MaxInterval);

        /// <summary>"k1=v1,k2=v2" with URL-encoded values (OTel spec, W3C baggage-like).</summary>
        public Dictionary<string, string>? Headers()
        {
            Sourced<string>? text = Signal("HEADERS");
            if (text is null)
            {
                return null;
            }

            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string pair in text.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int equals = pair.IndexOf('=', StringComparison.Ordinal);
                string key = equals > 0 ? Uri.UnescapeDataString(pair[..equals].Trim()) : string.Empty;
                if (key.Length == 0)
                {
                    errors.Add($"{text.Origin}: '{pair}' is not KEY=VALUE (list headers as k1=v1,k2=v2)");
                    continue;
                }

                headers[key] = Uri.UnescapeDataString(pair[(equals + 1)..].Trim());
            }

            return headers;
        }

        private Sourced<TimeSpan>? ParseMilliseconds(Sourced<string>? text, TimeSpan min, TimeSpan max)
        {
            if (text is null)
            {
                return null;
            }

            if (long.TryParse(text.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long ms)
                && ms >= min.TotalMilliseconds && ms <= max.TotalMilliseconds)
            {
                return new(TimeSpan.FromMilliseconds(ms), text.Origin);
            }

            errors.Add($"{text.Origin}: '{text.Value}' must be whole milliseconds from {min.TotalMilliseconds} to {max.TotalMilliseconds}");
            return null;
        }
    }
}
