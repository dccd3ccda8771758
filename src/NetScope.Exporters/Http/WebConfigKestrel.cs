using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace NetScope.Exporters.Http;

/// <summary>Applies a <see cref="WebConfig"/> to the agent's Kestrel endpoint and request pipeline.</summary>
public static class WebConfigKestrel
{
    // id-kp-clientAuth: a client certificate must be meant for client authentication (as Go's crypto/tls,
    // and so exporter-toolkit, requires); a certificate without EKU is valid for every purpose.
    private static readonly Oid s_clientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>
    /// Listens on <paramref name="listen"/>: plain HTTP when <paramref name="web"/> has no tls_server_config,
    /// otherwise HTTPS (TLS 1.2+) with its certificate; with client_ca_file, a client certificate that chains
    /// to one of those CAs is required.
    /// </summary>
    /// <exception cref="CryptographicException">A certificate file changed since the config was loaded and no longer loads.</exception>
    public static void ConfigureNetScopeEndpoint(this KestrelServerOptions o, IPEndPoint listen, WebConfig? web)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(listen);
        WebTlsConfig? tls = web?.Tls;
        if (tls is null)
        {
            o.Listen(listen);
            return;
        }

        // Loaded once here and kept for the process lifetime; the loader has already checked that they load.
        X509Certificate2 certificate = X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile);
        X509Certificate2Collection intermediates = LoadPem(tls.CertFile);
        intermediates.RemoveAt(0); // CreateFromPemFile took the first certificate as the leaf.
        X509Certificate2Collection? clientCas = tls.ClientCaFile is null ? null : LoadPem(tls.ClientCaFile);

        o.Listen(listen, listenOptions => listenOptions.UseHttps(https =>
        {
            https.ServerCertificate = certificate;
            https.ServerCertificateChain = intermediates.Count > 0 ? intermediates : null;
            https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            if (clientCas is not null)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (client, offered, _) => IsTrustedClient(client, offered, clientCas);
            }
        }));
    }

    /// <summary>
    /// Adds basic auth in front of every endpoint when <paramref name="web"/> lists basic_auth_users; otherwise
    /// does nothing. Call it before the endpoints are mapped.
    /// </summary>
    public static IApplicationBuilder UseNetScopeBasicAuth(this IApplicationBuilder app, WebConfig? web)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (web is null || !web.RequiresBasicAuth)
        {
            return app;
        }

        return app.Use(next => new BasicAuthMiddleware(next, web).InvokeAsync);
    }

    /// <summary>
    /// Builds the client's chain against the configured CAs only: the platform's chain (the errors Kestrel
    /// passes in) trusts the system roots, which must not let any publicly signed certificate in.
    /// </summary>
    internal static bool IsTrustedClient(X509Certificate2 client, X509Chain? offered, X509Certificate2Collection clientCas)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(clientCas);

        // Intermediates may come from the client's handshake or from client_ca_file; either can only help
        // reach a root in the custom trust store, never add trust.
        chain.ChainPolicy.ExtraStore.AddRange(clientCas);
        if (offered is not null)
        {
            foreach (X509ChainElement element in offered.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        // There is no CRL or OCSP setting in the web config, and the agent must not reach out to the network.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(s_clientAuthentication);
        return chain.Build(client);
    }

    private static X509Certificate2Collection LoadPem(string path)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPemFile(path);
        return certificates;
    }
}
