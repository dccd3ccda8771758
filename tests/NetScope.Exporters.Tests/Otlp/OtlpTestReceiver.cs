using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace NetScope.Exporters.Tests.Otlp;

/// <summary>One request as the receiver got it: the protobuf body (gRPC frame removed) and the headers.</summary>
internal sealed record OtlpReceived(string Protocol, byte[] Body, IReadOnlyDictionary<string, string> Headers, string? ClientCertificateSubject);

/// <summary>
/// An OTLP metrics receiver on 127.0.0.1 written for the tests, independent of NetScope's exporter: Kestrel
/// answering POST /v1/metrics (http/protobuf) and the gRPC method
/// /opentelemetry.proto.collector.metrics.v1.MetricsService/Export with hand-made gRPC framing (h2c without
/// TLS). It keeps the raw bodies; tests decode them with tests/otlp-decoder. Optional TLS with a server
/// certificate, and mTLS requiring a client certificate signed by a given CA.
/// </summary>
internal sealed class OtlpTestReceiver : IAsyncDisposable
{
    public const string GrpcPath = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    private readonly WebApplication _app;
    private readonly Channel<OtlpReceived> _received = Channel.CreateUnbounded<OtlpReceived>();

    private OtlpTestReceiver(WebApplication app) => _app = app;

    /// <summary>The base endpoint (scheme, 127.0.0.1, port).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>When set, http/protobuf requests are answered with this status and gRPC with UNAVAILABLE.</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>Starts; <paramref name="grpc"/> selects HTTP/2 only (h2c needs prior knowledge without TLS).</summary>
    public static async Task<OtlpTestReceiver> StartAsync(bool grpc, X509Certificate2? serverCertificate = null, X509Certificate2? clientCa = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2;
            if (serverCertificate is not null)
            {
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = serverCertificate,
                    ClientCertificateMode = clientCa is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = clientCa is null ? null : (certificate, _, _) => ChainsTo(certificate, clientCa),
                });
            }
        }));
        WebApplication app = builder.Build();
        var receiver = new OtlpTestReceiver(app);
        app.MapPost("/v1/metrics", receiver.HttpProtobufAsync);
        app.MapPost(GrpcPath, receiver.GrpcAsync);
        await app.StartAsync();
        var bound = new Uri(app.Urls.Single());
        receiver.Endpoint = new UriBuilder(bound) { Host = "127.0.0.1", Scheme = serverCertificate is null ? "http" : "https" }.Uri;
        return receiver;
    }

    /// <summary>The next request, or an exception after <paramref name="timeout"/>.</summary>
    public async Task<OtlpReceived> NextAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _received.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Every request received so far and not yet read.</summary>
    public List<OtlpReceived> Drain()
    {
        var all = new List<OtlpReceived>();
        while (_received.Reader.TryRead(out OtlpReceived? item))
        {
            all.Add(item);
        }

        return all;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        return chain.Build(certificate);
    }

    private async Task HttpProtobufAsync(HttpContext context)
    {
        byte[] body = await ReadAllAsync(context.Request.Body);
        if (FailWith is { } status)
        {
            context.Response.StatusCode = (int)status;
            return;
        }

        Record("http/protobuf", context, body);
        context.Response.ContentType = "application/x-protobuf";

        // An empty ExportMetricsServiceResponse: full success.
    }

    private async Task GrpcAsync(HttpContext context)
    {
        byte[] framed = await ReadAllAsync(context.Request.Body);
        context.Response.ContentType = "application/grpc";
        if (FailWith is not null)
        {
            context.Response.AppendTrailer("grpc-status", "14");
            context.Response.AppendTrailer("grpc-message", "test receiver set to fail");
            return;
        }

        // gRPC length-prefixed message: 1 byte compressed flag (0), 4 bytes big-endian length, the message.
        if (framed.Length < 5 || framed[0] != 0 || BinaryPrimitives.ReadUInt32BigEndian(framed.AsSpan(1)) != framed.Length - 5)
        {
            context.Response.AppendTrailer("grpc-status", "13");
            context.Response.AppendTrailer("grpc-message", "bad frame");
            return;
        }

        Record("grpc", context, framed[5..]);
        await context.Response.Body.WriteAsync(new byte[5]); // one empty ExportMetricsServiceResponse
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private void Record(string protocol, HttpContext context, byte[] body)
    {
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
        _received.Writer.TryWrite(new OtlpReceived(protocol, body, headers, context.Connection.ClientCertificate?.Subject));
    }

    private static async Task<byte[]> ReadAllAsync(Stream body)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
