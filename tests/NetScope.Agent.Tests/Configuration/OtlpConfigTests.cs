using NetScope.Agent.Configuration;
using NetScope.Exporters.Otlp;

namespace NetScope.Agent.Tests.Configuration;

public class OtlpConfigTests
{
    private static readonly Dictionary<string, string> s_noEnv = [];

    private static AgentConfig Parse(string yaml, Dictionary<string, string>? env = null) =>
        ConfigLoader.Parse(yaml, "c.yaml", name => (env ?? s_noEnv).GetValueOrDefault(name));

    private static IReadOnlyList<string> Errors(string yaml, Dictionary<string, string>? env = null) =>
        Assert.Throws<ConfigException>(() => Parse(yaml, env)).Errors;

    [Fact]
    public void OffWithoutAnEndpoint()
    {
        Assert.Null(Parse("").Otlp);
        Assert.Null(Parse("otlp: {interval: 5s}\n").Otlp);
        Assert.Null(Parse(EmbeddedDefaultConfig.Text).Otlp);
    }

    [Fact]
    public void ReadsEveryKey()
    {
        OtlpExporterOptions otlp = Parse("""
            otlp:
              endpoint: http://collector.example:4317
              protocol: grpc
              headers:
                authorization: Bearer abc
                x-tenant: blue
              interval: 15s
              timeout: 2500ms
              insecure: true
            """).Otlp!;
        Assert.Equal(new Uri("http://collector.example:4317"), otlp.Endpoint);
        Assert.Equal(OtlpProtocol.Grpc, otlp.Protocol);
        Assert.Equal(new Dictionary<string, string> { ["authorization"] = "Bearer abc", ["x-tenant"] = "blue" }, otlp.Headers);
        Assert.Equal(TimeSpan.FromSeconds(15), otlp.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), otlp.Timeout);
        Assert.True(otlp.Insecure);
    }

    [Fact]
    public void VariablesFillWhatTheFileLeavesUnset()
    {
        OtlpExporterOptions otlp = Parse(
            "otlp:\n  interval: 5s\n",
            new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318", ["OTEL_METRIC_EXPORT_INTERVAL"] = "30000", ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "1500" }).Otlp!;
        Assert.Equal(new Uri("http://127.0.0.1:4318/v1/metrics"), otlp.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(5), otlp.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), otlp.Timeout);
    }

    [Fact]
    public void PlaintextToANonLoopbackEndpointIsRefusedWithThePosition()
    {
        string error = Assert.Single(Errors("listen: 127.0.0.1:9745\notlp:\n  endpoint: http://collector.example:4318\n"));
        Assert.StartsWith("c.yaml:3:13: otlp.endpoint: plaintext endpoint http://collector.example:4318 is not loopback: use https://, or set otlp.insecure: true", error);
    }

    [Fact]
    public void PlaintextFromAVariableNamesTheVariable() =>
        Assert.StartsWith(
            "OTEL_EXPORTER_OTLP_ENDPOINT: plaintext endpoint http://collector.example:4318 is not loopback",
            Assert.Single(Errors("", new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector.example:4318" })));

    [Fact]
    public void InsecureFromTheFileAllowsAVariableEndpoint() =>
        Assert.NotNull(Parse("otlp: {insecure: true}\n", new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector.example:4318" }).Otlp);

    [Fact]
    public void BadValuesArePositioned()
    {
        IReadOnlyList<string> errors = Errors("""
            otlp:
              endpoint: http://127.0.0.1:4318
              protocol: http/json
              interval: 100ms
              timeout: 5m
              insecure: maybe
              headers: [a]
              compression: gzip
            """);
        Assert.Equal(
            [
                "c.yaml:3:13: otlp.protocol: 'http/json' is not one of grpc, http/protobuf",
                "c.yaml:4:13: otlp.interval: '100ms' must be from 1s to 1h",
                "c.yaml:5:12: otlp.timeout: '5m' must be from 100ms to 1m",
                "c.yaml:6:13: otlp.insecure: 'maybe' is not true or false",
                "c.yaml:7:12: otlp.headers: expected a mapping of header names to values, e.g. {authorization: Bearer TOKEN}",
                "c.yaml:8:3: otlp: unknown key 'compression' (known here: endpoint, protocol, headers, interval, timeout, insecure, certificate, client_certificate, client_key)",
            ],
            errors);
    }

    [Fact]
    public void TlsFilesAreCheckedAtLoad()
    {
        IReadOnlyList<string> errors = Errors("otlp:\n  endpoint: https://collector.example:4318\n  certificate: /nonexistent/ca.crt\n  client_key: /nonexistent/client.key\n");
        Assert.StartsWith("c.yaml:3:16: otlp.certificate: cannot load '/nonexistent/ca.crt'", errors[0]);
        Assert.StartsWith("c.yaml:4:15: otlp.client_key: client_certificate and client_key", errors[1]);
    }
}
