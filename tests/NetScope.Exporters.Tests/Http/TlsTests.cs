using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using NetScope.Exporters.Http;

namespace NetScope.Exporters.Tests.Http;

public class TlsTests
{
    /// <summary>A client that trusts exactly <paramref name="server"/> (by thumbprint) and optionally presents a certificate.</summary>
    private static HttpClient Client(X509Certificate2 server, X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, _) =>
                    presented is not null && presented.GetCertHashString() == server.Thumbprint,
            },
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(5) };
    }

    private static Uri Https(WebTestServer server, string path) => new UriBuilder(server.BaseAddress) { Scheme = "https", Path = path }.Uri;

    [Fact]
    public async Task ServesHttpsWithTheConfiguredCertificate()
    {
        using var files = new WebTestFiles();
        using X509Certificate2 certificate = files.WriteServerCertificate();
        WebConfig web = WebConfigLoader.Parse("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n", "web.yml", files.Directory);
        await using WebTestServer server = await WebTestServer.StartAsync(web);

        using HttpClient http = Client(certificate);
        Assert.Equal("netscope_up 1\n", await http.GetStringAsync(Https(server, "/metrics")));

        // Plain HTTP on the TLS port must not be answered with metrics.
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        HttpResponseMessage? response = null;
        try
        {
            response = await plain.GetAsync(server.BaseAddress + "metrics");
        }
        catch (HttpRequestException)
        {
            // Kestrel may simply close the connection.
        }

        Assert.NotEqual(HttpStatusCode.OK, response?.StatusCode);
    }

    [Fact]
    public async Task MutualTlsNeedsAClientCertificateFromTheConfiguredCa()
    {
        using var files = new WebTestFiles();
        using X509Certificate2 certificate = files.WriteServerCertificate();
        using X509Certificate2 ca = WebTestFiles.CreateCa("CN=netscope-test-ca");
        using X509Certificate2 otherCa = WebTestFiles.CreateCa("CN=someone-else");
        files.Write("ca.crt", ca.ExportCertificatePem());
        WebConfig web = WebConfigLoader.Parse(
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_ca_file: ca.crt\n", "web.yml", files.Directory);
        await using WebTestServer server = await WebTestServer.StartAsync(web);
        Uri metrics = Https(server, "/metrics");

        using (HttpClient anonymous = Client(certificate))
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => anonymous.GetStringAsync(metrics));
        }

        using (X509Certificate2 stranger = WebTestFiles.CreateClient(otherCa, "CN=stranger"))
        using (HttpClient foreign = Client(certificate, stranger))
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => foreign.GetStringAsync(metrics));
        }

        using X509Certificate2 prometheus = WebTestFiles.CreateClient(ca, "CN=prometheus");
        using HttpClient trusted = Client(certificate, prometheus);
        Assert.Equal("netscope_up 1\n", await trusted.GetStringAsync(metrics));
    }

    [Fact]
    public void ClientChainsAreBuiltAgainstTheConfiguredCasOnly()
    {
        using X509Certificate2 ca = WebTestFiles.CreateCa("CN=netscope-test-ca");
        using X509Certificate2 otherCa = WebTestFiles.CreateCa("CN=someone-else");
        using X509Certificate2 ours = WebTestFiles.CreateClient(ca, "CN=ours");
        using X509Certificate2 theirs = WebTestFiles.CreateClient(otherCa, "CN=theirs");

        Assert.True(WebConfigKestrel.IsTrustedClient(ours, null, [ca]));
        Assert.True(WebConfigKestrel.IsTrustedClient(ours, null, [otherCa, ca]));
        Assert.False(WebConfigKestrel.IsTrustedClient(theirs, null, [ca]));

        // Self-signed by a CA that is not configured.
        Assert.False(WebConfigKestrel.IsTrustedClient(otherCa, null, [ca]));
    }

    [Fact]
    public async Task TlsAndBasicAuthTogether()
    {
        using var files = new WebTestFiles();
        using X509Certificate2 certificate = files.WriteServerCertificate();
        string hash = BCrypt.Net.BCrypt.HashPassword("pw", 4);
        WebConfig web = WebConfigLoader.Parse(
            $"tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  scraper: '{hash}'\n", "web.yml", files.Directory);
        await using WebTestServer server = await WebTestServer.StartAsync(web);

        using HttpClient http = Client(certificate);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(Https(server, "/metrics"))).StatusCode);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("scraper:pw"u8));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(Https(server, "/metrics"))).StatusCode);
    }
}
