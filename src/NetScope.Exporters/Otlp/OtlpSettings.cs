namespace NetScope.Exporters.Otlp;

/// <summary>A setting's value with where it came from, for error messages ("file:line:col: otlp.endpoint" or a variable name).</summary>
/// <typeparam name="T">The parsed value's type.</typeparam>
/// <param name="Value">The value.</param>
/// <param name="Origin">The place to name when the value is refused.</param>
public sealed record Sourced<T>(T Value, string Origin);

/// <summary>
/// What the config file's otlp section set (null = not set there). <see cref="OtlpOptionsResolver"/> fills
/// the gaps from the standard OTEL_* variables and validates the result.
/// </summary>
public sealed record OtlpSettings
{
    /// <summary>Base URL of the receiver; http/protobuf appends /v1/metrics.</summary>
    public Sourced<string>? Endpoint { get; init; }

    /// <summary>grpc or http/protobuf.</summary>
    public Sourced<OtlpProtocol>? Protocol { get; init; }

    /// <summary>Headers sent with every export.</summary>
    public Sourced<IReadOnlyDictionary<string, string>>? Headers { get; init; }

    /// <summary>Time between exports.</summary>
    public Sourced<TimeSpan>? Interval { get; init; }

    /// <summary>Time one export may take.</summary>
    public Sourced<TimeSpan>? Timeout { get; init; }

    /// <summary>Allow plaintext to a non-loopback endpoint.</summary>
    public Sourced<bool>? Insecure { get; init; }

    /// <summary>CA PEM file.</summary>
    public Sourced<string>? Certificate { get; init; }

    /// <summary>Client certificate PEM file (mTLS).</summary>
    public Sourced<string>? ClientCertificate { get; init; }

    /// <summary>Client key PEM file (mTLS).</summary>
    public Sourced<string>? ClientKey { get; init; }
}
