using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NetScope.Exporters.Otlp;

/// <summary>
/// The HTTP handler both transports use, with the OTLP TLS settings: a CA file
/// (OTEL_EXPORTER_OTLP_CERTIFICATE) that the receiver's chain must end in, and a client certificate and
/// key (mTLS). Host names are always checked.
/// </summary>
internal static class OtlpTls
{
    /// <summary>Every certificate of a PEM file; an error when there is none.</summary>
    public static X509Certificate2Collection LoadCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        if (certificates.Count == 0)
        {
            throw new CryptographicException("no PEM certificate in the file");
        }

        return certificates;
    }

    /// <summary>A client certificate with its private key, both PEM.</summary>
    public static X509Certificate2 LoadClientCertificate(string certificatePath, string keyPath) =>
        X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

    public static void DisposeAll(X509Certificate2Collection certificates)
    {
        foreach (X509Certificate2 certificate in certificates)
        {
            certificate.Dispose();
        }
    }

    /// <summary>A handler for <paramref name="options"/>; HTTP/2 for grpc is negotiated by the caller's request version.</summary>
    public static SocketsHttpHandler CreateHandler(OtlpExporterOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = false,
        };
        if (options.CertificatePath is not null)
        {
            X509Certificate2Collection roots = LoadCertificates(options.CertificatePath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => IsTrusted(certificate, chain, errors, roots);
        }

        if (options.ClientCertificatePath is not null && options.ClientKeyPath is not null)
        {
            X509Certificate2 client = LoadClientCertificate(options.ClientCertificatePath, options.ClientKeyPath);
            handler.SslOptions.ClientCertificates = [client];

            // Present it whatever issuers the receiver lists (private CAs are often not listed).
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => client;
        }

        return handler;
    }

    /// <summary>
    /// Trusted when the system trusts the chain, or when it ends in one of <paramref name="roots"/>; a host
    /// name mismatch or a missing certificate is never accepted.
    /// </summary>
    private static bool IsTrusted(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        if (presented is not null)
        {
            foreach (X509ChainElement element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using X509Certificate2 leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
