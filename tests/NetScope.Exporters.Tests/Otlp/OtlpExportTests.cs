using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NetScope.Exporters.Otlp;
using NetScope.Exporters.Tests.Http;
using Prometheus;

namespace NetScope.Exporters.Tests.Otlp;

/// <summary>The exporter against the in-process receiver: both transports, TLS with a private CA, mTLS, failures.</summary>
public class OtlpExportTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    /// <summary>Options resolved the way the agent resolves them, from OTEL_* variables only.</summary>
    private static OtlpExporterOptions Options(Dictionary<string, string> env)
    {
        var errors = new List<string>();
        OtlpExporterOptions? options = OtlpOptionsResolver.Resolve(new OtlpSettings(), name => env.GetValueOrDefault(name), errors);
        Assert.Empty(errors);
        return options!;
    }

    private static OtlpMetricExporter Exporter(OtlpExporterOptions options, CollectorRegistry? registry = null) =>
        new(options, new OtlpFixtureSource(), [new("service.name", "netscope")], "test", registry ?? Metrics.NewCustomRegistry(), NullLogger.Instance, TimeProvider.System);

    private static double Exports(CollectorRegistry registry, string result)
    {
        using var stream = new MemoryStream();
        registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        string text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        string line = text.Split('\n').Single(l => l.StartsWith($"netscope_otlp_exports_total{{result=\"{result}\"}}", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void AssertIsTheFixture(OtlpReceived received)
    {
        JsonElement metrics = OtlpDecoder.Decode(received.Body).GetProperty("resourceMetrics")[0].GetProperty("scopeMetrics")[0].GetProperty("metrics");
        Assert.Equal("netscope.tcp.request.duration", metrics[0].GetProperty("name").GetString());
        Assert.Equal(["7", "0", "1"], metrics[0].GetProperty("exponentialHistogram").GetProperty("dataPoints")[0].GetProperty("positive").GetProperty("bucketCounts").EnumerateArray().Select(c => c.GetString()));
    }

    [Theory]
    [InlineData("http/protobuf")]
    [InlineData("grpc")]
    public async Task ExportsOverPlaintextLoopbackWithHeaders(string protocol)
    {
        await using OtlpTestReceiver receiver = await OtlpTestReceiver.StartAsync(grpc: protocol == "grpc");
        var registry = Metrics.NewCustomRegistry();
        using OtlpMetricExporter exporter = Exporter(
            Options(new()
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
                ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-tenant=blue,Authorization=Bearer%20t0ken",
            }),
            registry);

        Assert.True(await exporter.ExportAsync(CancellationToken.None));
        OtlpReceived received = await receiver.NextAsync(s_wait);
        Assert.Equal(protocol, received.Protocol);
        Assert.Equal("blue", received.Headers["x-tenant"]);
        Assert.Equal("Bearer t0ken", received.Headers["authorization"]);
        Assert.StartsWith(protocol == "grpc" ? "application/grpc" : "application/x-protobuf", received.Headers["content-type"], StringComparison.Ordinal);
        AssertIsTheFixture(received);
        Assert.Equal(1, Exports(registry, "success"));
        Assert.Equal(0, Exports(registry, "failure"));
    }

    [Theory]
    [InlineData("http/protobuf")]
    [InlineData("grpc")]
    public async Task ReceiverErrorsAreCountedAndTheNextExportCatchesUp(string protocol)
    {
        await using OtlpTestReceiver receiver = await OtlpTestReceiver.StartAsync(grpc: protocol == "grpc");
        var registry = Metrics.NewCustomRegistry();
        using OtlpMetricExporter exporter = Exporter(Options(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(), ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol }), registry);

        receiver.FailWith = HttpStatusCode.ServiceUnavailable;
        Assert.False(await exporter.ExportAsync(CancellationToken.None));
        Assert.Equal(1, Exports(registry, "failure"));

        receiver.FailWith = null;
        Assert.True(await exporter.ExportAsync(CancellationToken.None));
        AssertIsTheFixture(await receiver.NextAsync(s_wait));
        Assert.Equal(1, Exports(registry, "success"));
    }

    [Fact]
    public async Task AnUnreachableReceiverIsAFailureNotAnException()
    {
        var registry = Metrics.NewCustomRegistry();
        int closedPort;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using OtlpMetricExporter exporter = Exporter(Options(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{closedPort}" }), registry);
        Assert.False(await exporter.ExportAsync(CancellationToken.None));
        Assert.Equal(1, Exports(registry, "failure"));
    }

    [Theory]
    [InlineData("http/protobuf")]
    [InlineData("grpc")]
    public async Task TlsTrustsTheCaOfOtelExporterOtlpCertificate(string protocol)
    {
        using var tls = new TlsFixture();
        string caFile = tls.CaFile;
        await using OtlpTestReceiver receiver = await OtlpTestReceiver.StartAsync(grpc: protocol == "grpc", tls.Server);

        using OtlpMetricExporter exporter = Exporter(Options(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
            ["OTEL_EXPORTER_OTLP_CERTIFICATE"] = caFile,
        }));
        Assert.True(await exporter.ExportAsync(CancellationToken.None));
        AssertIsTheFixture(await receiver.NextAsync(s_wait));

        // Without the CA the same receiver is not trusted.
        var registry = Metrics.NewCustomRegistry();
        using OtlpMetricExporter untrusting = Exporter(Options(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(), ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol }), registry);
        Assert.False(await untrusting.ExportAsync(CancellationToken.None));
        Assert.Equal(1, Exports(registry, "failure"));
        Assert.Empty(receiver.Drain());
    }

    [Fact]
    public async Task TlsRefusesACertificateForAnotherHost()
    {
        using var tls = new TlsFixture(serverDnsName: "collector.example");
        string caFile = tls.CaFile;
        await using OtlpTestReceiver receiver = await OtlpTestReceiver.StartAsync(grpc: false, tls.Server);

        using OtlpMetricExporter exporter = Exporter(Options(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(), ["OTEL_EXPORTER_OTLP_CERTIFICATE"] = caFile }));
        Assert.False(await exporter.ExportAsync(CancellationToken.None));
        Assert.Empty(receiver.Drain());
    }

    [Theory]
    [InlineData("http/protobuf")]
    [InlineData("grpc")]
    public async Task MutualTlsPresentsTheClientCertificate(string protocol)
    {
        using var tls = new TlsFixture();
        using X509Certificate2 client = WebTestFiles.CreateClient(tls.Ca, "CN=netscope-agent");
        string caFile = tls.CaFile;
        string clientCert = tls.Files.Write("client.crt", client.ExportCertificatePem());
        string clientKey = tls.Files.Write("client.key", client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        await using OtlpTestReceiver receiver = await OtlpTestReceiver.StartAsync(grpc: protocol == "grpc", tls.Server, clientCa: tls.Ca);

        var env = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
            ["OTEL_EXPORTER_OTLP_CERTIFICATE"] = caFile,
        };

        // Without a client certificate the receiver refuses the handshake.
        using (OtlpMetricExporter anonymous = Exporter(Options(env)))
        {
            Assert.False(await anonymous.ExportAsync(CancellationToken.None));
        }

        env["OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"] = clientCert;
        env["OTEL_EXPORTER_OTLP_CLIENT_KEY"] = clientKey;
        using OtlpMetricExporter exporter = Exporter(Options(env));
        Assert.True(await exporter.ExportAsync(CancellationToken.None));
        OtlpReceived received = await receiver.NextAsync(s_wait);
        Assert.Equal("CN=netscope-agent", received.ClientCertificateSubject);
        AssertIsTheFixture(received);
    }

    /// <summary>A private CA (its PEM in ca.crt) and a receiver certificate it signed.</summary>
    private sealed class TlsFixture : IDisposable
    {
        public TlsFixture(string? serverDnsName = null)
        {
            Ca = WebTestFiles.CreateCa("CN=netscope-otlp-test-ca");
            Server = CreateServer(Ca, serverDnsName);
            CaFile = Files.Write("ca.crt", Ca.ExportCertificatePem());
        }

        public WebTestFiles Files { get; } = new();

        public X509Certificate2 Ca { get; }

        public X509Certificate2 Server { get; }

        public string CaFile { get; }

        public void Dispose()
        {
            Server.Dispose();
            Ca.Dispose();
            Files.Dispose();
        }
    }

    /// <summary>A server certificate for 127.0.0.1 (or <paramref name="dnsName"/> only) signed by <paramref name="ca"/>.</summary>
    private static X509Certificate2 CreateServer(X509Certificate2 ca, string? dnsName = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=otlp-receiver", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        if (dnsName is null)
        {
            san.AddIpAddress(IPAddress.Loopback);
        }
        else
        {
            san.AddDnsName(dnsName);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using X509Certificate2 signed = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(50), RandomNumberGenerator.GetBytes(8));

        // Kestrel needs a certificate whose key it can use for the handshake: round-trip through PKCS#12.
        using X509Certificate2 withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
