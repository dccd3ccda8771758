using NetScope.Exporters.Otlp;

namespace NetScope.Exporters.Tests.Otlp;

public class OtlpOptionsResolverTests
{
    private static OtlpExporterOptions? Resolve(Dictionary<string, string> env, OtlpSettings? file = null) =>
        Resolve(env, out _, file);

    private static OtlpExporterOptions? Resolve(Dictionary<string, string> env, out List<string> errors, OtlpSettings? file = null)
    {
        errors = [];
        return OtlpOptionsResolver.Resolve(file ?? new OtlpSettings(), name => env.GetValueOrDefault(name), errors);
    }

    private static string SingleError(Dictionary<string, string> env, OtlpSettings? file = null)
    {
        Assert.Null(Resolve(env, out List<string> errors, file));
        return Assert.Single(errors);
    }

    [Fact]
    public void NoEndpointMeansExportOff()
    {
        Assert.Null(Resolve(new() { ["OTEL_EXPORTER_OTLP_HEADERS"] = "a=b" }, out List<string> errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void DefaultsFollowTheOpenTelemetrySpec()
    {
        OtlpExporterOptions options = Resolve(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://localhost:4318" })!;
        Assert.Equal(OtlpProtocol.HttpProtobuf, options.Protocol);
        Assert.Equal(new Uri("http://localhost:4318/v1/metrics"), options.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Interval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Empty(options.Headers);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4318", "http/protobuf", "http://127.0.0.1:4318/v1/metrics")]
    [InlineData("http://127.0.0.1:4318/otlp/", "http/protobuf", "http://127.0.0.1:4318/otlp/v1/metrics")]
    [InlineData("http://127.0.0.1:4317", "grpc", "http://127.0.0.1:4317/")]
    public void BaseEndpointGetsTheSignalPathForHttpOnly(string endpoint, string protocol, string expected) =>
        Assert.Equal(new Uri(expected), Resolve(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint, ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol })!.Endpoint);

    [Fact]
    public void MetricsVariablesWinOverGenericOnesAndTheMetricsEndpointIsUsedAsItIs()
    {
        OtlpExporterOptions options = Resolve(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:1",
            ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = "http://127.0.0.1:2/custom",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "3000",
            ["OTEL_EXPORTER_OTLP_METRICS_TIMEOUT"] = "2500",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "api-key=generic",
            ["OTEL_EXPORTER_OTLP_METRICS_HEADERS"] = "Authorization=Bearer%20abc, x-tenant = t1 ",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "15000",
        })!;
        Assert.Equal(new Uri("http://127.0.0.1:2/custom"), options.Endpoint);
        Assert.Equal(OtlpProtocol.HttpProtobuf, options.Protocol);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), options.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(15), options.Interval);
        Assert.Equal(new Dictionary<string, string> { ["Authorization"] = "Bearer abc", ["x-tenant"] = "t1" }, options.Headers);
    }

    [Fact]
    public void TheConfigFileWinsOverVariables()
    {
        var file = new OtlpSettings
        {
            Endpoint = new("http://127.0.0.1:9999", "c.yaml:2:13: otlp.endpoint"),
            Protocol = new(OtlpProtocol.Grpc, "c.yaml:3:13: otlp.protocol"),
            Interval = new(TimeSpan.FromSeconds(5), "c.yaml:4:13: otlp.interval"),
            Headers = new(new Dictionary<string, string> { ["k"] = "file" }, "c.yaml:5:3: otlp.headers"),
        };
        OtlpExporterOptions options = Resolve(
            new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:1", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf", ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000", ["OTEL_EXPORTER_OTLP_HEADERS"] = "k=env", ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "2000" },
            file)!;
        Assert.Equal(new Uri("http://127.0.0.1:9999"), options.Endpoint);
        Assert.Equal(OtlpProtocol.Grpc, options.Protocol);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Interval);
        Assert.Equal("file", options.Headers["k"]);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Timeout); // not in the file: the variable fills it
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", "OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' is not one of grpc, http/protobuf")]
    [InlineData("OTEL_EXPORTER_OTLP_TIMEOUT", "10s", "OTEL_EXPORTER_OTLP_TIMEOUT: '10s' must be whole milliseconds from 100 to 60000")]
    [InlineData("OTEL_METRIC_EXPORT_INTERVAL", "10", "OTEL_METRIC_EXPORT_INTERVAL: '10' must be whole milliseconds from 1000 to 3600000")]
    [InlineData("OTEL_EXPORTER_OTLP_INSECURE", "yes", "OTEL_EXPORTER_OTLP_INSECURE: 'yes' is not true or false")]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS", "novalue", "OTEL_EXPORTER_OTLP_HEADERS: 'novalue' is not KEY=VALUE")]
    public void BadVariablesAreNamed(string name, string value, string expected) =>
        Assert.StartsWith(expected, SingleError(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318", [name] = value }));

    [Theory]
    [InlineData("collector:4318")]
    [InlineData("ftp://collector")]
    [InlineData("not a url")]
    public void EndpointMustBeAnHttpUrl(string endpoint) =>
        Assert.StartsWith($"OTEL_EXPORTER_OTLP_ENDPOINT: '{endpoint}' is not an http:// or https:// URL", SingleError(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint }));

    [Theory]
    [InlineData("http://collector.example:4318")]
    [InlineData("http://192.0.2.10:4317")]
    [InlineData("http://[2001:db8::1]:4317")]
    public void PlaintextToANonLoopbackEndpointIsRefused(string endpoint)
    {
        string error = SingleError(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint });
        Assert.StartsWith("OTEL_EXPORTER_OTLP_ENDPOINT: plaintext endpoint", error);
        Assert.Contains("otlp.insecure: true", error);
        Assert.Contains("OTEL_EXPORTER_OTLP_INSECURE=true", error);
    }

    [Fact]
    public void PlaintextRefusalNamesTheConfigPosition()
    {
        string error = SingleError([], new OtlpSettings { Endpoint = new("http://collector:4318", "c.yaml:2:13: otlp.endpoint") });
        Assert.StartsWith("c.yaml:2:13: otlp.endpoint: plaintext endpoint http://collector:4318 is not loopback", error);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4318")]
    [InlineData("http://127.3.4.5:4318")]
    [InlineData("http://localhost:4318")]
    [InlineData("http://[::1]:4318")]
    [InlineData("https://collector.example:4318")]
    public void LoopbackOrTlsNeedsNoInsecure(string endpoint) =>
        Assert.NotNull(Resolve(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint }));

    [Fact]
    public void InsecureAllowsPlaintextToAnyHost()
    {
        Assert.True(Resolve(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4318", ["OTEL_EXPORTER_OTLP_INSECURE"] = "true" })!.Insecure);
        Assert.NotNull(Resolve([], new OtlpSettings { Endpoint = new("http://collector:4318", "e"), Insecure = new(true, "i") }));
    }

    [Fact]
    public void TlsFilesWithAPlaintextEndpointAreRefused() =>
        Assert.StartsWith(
            "OTEL_EXPORTER_OTLP_CERTIFICATE: a TLS file is set but the endpoint http://127.0.0.1:4318 is plaintext",
            Resolve(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318", ["OTEL_EXPORTER_OTLP_CERTIFICATE"] = "/nonexistent/ca.crt" }, out List<string> errors) is null ? errors[0] : "resolved");

    [Fact]
    public void MissingOrUnreadableTlsFilesAreReportedAtStart()
    {
        string error = SingleError(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "https://127.0.0.1:4318", ["OTEL_EXPORTER_OTLP_CERTIFICATE"] = "/nonexistent/ca.crt" });
        Assert.StartsWith("OTEL_EXPORTER_OTLP_CERTIFICATE: cannot load '/nonexistent/ca.crt'", error);
    }

    [Fact]
    public void ClientCertificateNeedsItsKey() =>
        Assert.Contains(
            "client_certificate and client_key",
            SingleError(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "https://127.0.0.1:4318", ["OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE"] = "/x/client.crt" }));
}
