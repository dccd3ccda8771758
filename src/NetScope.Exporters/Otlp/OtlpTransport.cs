using System.Net.Http.Headers;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using NetScope.Exporters.Otlp.Proto;

namespace NetScope.Exporters.Otlp;

/// <summary>A failed export: the message says what the receiver or the network answered.</summary>
internal sealed class OtlpExportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Sends one request; throws <see cref="OtlpExportException"/> on failure. Returns the receiver's answer.</summary>
internal interface IOtlpTransport : IDisposable
{
    Task<ExportMetricsServiceResponse> SendAsync(ExportMetricsServiceRequest request, CancellationToken cancellationToken);
}

/// <summary>Chooses the transport of the configured protocol.</summary>
internal static class OtlpTransports
{
    public static IOtlpTransport Create(OtlpExporterOptions options) =>
        options.Protocol == OtlpProtocol.Grpc ? new OtlpGrpcTransport(options) : new OtlpHttpTransport(options);
}

/// <summary>http/protobuf: POST application/x-protobuf to the endpoint (…/v1/metrics).</summary>
internal sealed class OtlpHttpTransport : IOtlpTransport
{
    private static readonly MediaTypeHeaderValue s_protobuf = new("application/x-protobuf");
    private readonly HttpClient _http;
    private readonly OtlpExporterOptions _options;

    public OtlpHttpTransport(OtlpExporterOptions options)
    {
        _options = options;
        _http = new HttpClient(OtlpTls.CreateHandler(options), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<ExportMetricsServiceResponse> SendAsync(ExportMetricsServiceRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, _options.Endpoint) { Content = new ByteArrayContent(request.ToByteArray()) };
        message.Content.Headers.ContentType = s_protobuf;
        foreach ((string name, string value) in _options.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using HttpResponseMessage response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new OtlpExportException($"{_options.Endpoint} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            return ExportMetricsServiceResponse.Parser.ParseFrom(body);
        }
        catch (HttpRequestException ex)
        {
            // TLS failures say "see inner exception": the inner message is the reason (untrusted CA, host name).
            string detail = ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal) ? $" ({inner.Message})" : string.Empty;
            throw new OtlpExportException($"{_options.Endpoint}: {ex.Message}{detail}", ex);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OtlpExportException($"{_options.Endpoint}: the answer is not an ExportMetricsServiceResponse: {ex.Message}", ex);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>grpc: opentelemetry.proto.collector.metrics.v1.MetricsService/Export (h2c for http://, TLS for https://).</summary>
internal sealed class OtlpGrpcTransport : IOtlpTransport
{
    private readonly GrpcChannel _channel;
    private readonly MetricsService.MetricsServiceClient _client;
    private readonly Metadata _headers = [];
    private readonly OtlpExporterOptions _options;

    public OtlpGrpcTransport(OtlpExporterOptions options)
    {
        _options = options;
        _channel = GrpcChannel.ForAddress(options.Endpoint, new GrpcChannelOptions { HttpHandler = OtlpTls.CreateHandler(options), DisposeHttpClient = true });
        _client = new MetricsService.MetricsServiceClient(_channel);
        foreach ((string name, string value) in options.Headers)
        {
            _headers.Add(name.ToLowerInvariant(), value);
        }
    }

    public async Task<ExportMetricsServiceResponse> SendAsync(ExportMetricsServiceRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.ExportAsync(request, _headers, cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            throw new OtlpExportException($"{_options.Endpoint}: gRPC {ex.StatusCode}: {ex.Status.Detail}", ex);
        }
    }

    public void Dispose() => _channel.Dispose();
}
