namespace NetScope.Exporters.Otlp;

/// <summary>OTLP transports.</summary>
public enum OtlpProtocol
{
    /// <summary>http/protobuf: POST of the protobuf request to {endpoint}/v1/metrics.</summary>
    HttpProtobuf,

    /// <summary>grpc: MetricsService/Export over HTTP/2 (h2c for http://).</summary>
    Grpc,
}

/// <summary>
/// Validated OTLP export settings (from the config's otlp section and the OTEL_* variables, see
/// <see cref="OtlpOptionsResolver"/>). Export is on only when these exist.
/// </summary>
public sealed record OtlpExporterOptions
{
    /// <summary>Where requests go: for http/protobuf the full URL (…/v1/metrics), for grpc the channel address.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The transport.</summary>
    public OtlpProtocol Protocol { get; init; } = OtlpProtocol.HttpProtobuf;

    /// <summary>Headers sent with every export (e.g. authorization); gRPC metadata for grpc.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Time between two exports.</summary>
    public TimeSpan Interval { get; init; } = OtlpOptionsResolver.DefaultInterval;

    /// <summary>How long one export may take, including connecting and TLS.</summary>
    public TimeSpan Timeout { get; init; } = OtlpOptionsResolver.DefaultTimeout;

    /// <summary>Plaintext to a non-loopback endpoint was allowed explicitly.</summary>
    public bool Insecure { get; init; }

    /// <summary>PEM file of the CA(s) that sign the receiver's certificate; null = the system trust store.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>PEM client certificate for mTLS (with <see cref="ClientKeyPath"/>); null = none.</summary>
    public string? ClientCertificatePath { get; init; }

    /// <summary>PEM private key of <see cref="ClientCertificatePath"/>.</summary>
    public string? ClientKeyPath { get; init; }

    /// <summary>The protocol as written in the config and OTEL_EXPORTER_OTLP_PROTOCOL.</summary>
    public static string ProtocolName(OtlpProtocol protocol) => protocol == OtlpProtocol.Grpc ? "grpc" : "http/protobuf";
}
