namespace NetScope.Exporters.Http;

/// <summary>
/// TLS and basic-auth settings of the agent's HTTP endpoint, read from a web config file in the style of
/// Prometheus exporter-toolkit's web-config.yml (docs/web-config.md). An empty file means plain HTTP
/// without authentication.
/// </summary>
public sealed record WebConfig
{
    /// <summary>Serve HTTPS with these files; null serves plain HTTP.</summary>
    public WebTlsConfig? Tls { get; init; }

    /// <summary>User name to bcrypt hash; empty turns basic auth off.</summary>
    public IReadOnlyDictionary<string, string> BasicAuthUsers { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Lets /healthz and /readyz through without credentials, for kubelet probes that cannot send them.
    /// Off by default so that configuring users protects everything.
    /// </summary>
    public bool AllowUnauthenticatedHealth { get; init; }

    /// <summary>The file it was read from, for log lines; null when built in code.</summary>
    public string? Source { get; init; }

    /// <summary>True when at least one user is configured.</summary>
    public bool RequiresBasicAuth => BasicAuthUsers.Count > 0;
}

/// <summary>The tls_server_config section: absolute or config-relative paths, already checked to load.</summary>
/// <param name="CertFile">PEM server certificate (optionally followed by its intermediates).</param>
/// <param name="KeyFile">PEM private key of <paramref name="CertFile"/>.</param>
/// <param name="ClientCaFile">PEM CA certificate(s); when set, clients must present a certificate chaining to one (mTLS).</param>
public sealed record WebTlsConfig(string CertFile, string KeyFile, string? ClientCaFile);
