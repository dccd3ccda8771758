using Microsoft.Extensions.Logging;
using NetScope.Exporters.Abstractions;
using NetScope.Exporters.Otlp.Proto;
using Prometheus;

namespace NetScope.Exporters.Otlp;

/// <summary>
/// Pushes a <see cref="ICumulativeMetricSource"/> to an OTLP receiver, one request per call. Nothing is
/// queued or retried: values are cumulative, so the next export carries whatever a failed one missed.
/// A failure never throws; it is counted (netscope_otlp_exports_total{result="failure"}) and logged at
/// most once per <see cref="FailureLogInterval"/>.
/// </summary>
public sealed class OtlpMetricExporter : IDisposable
{
    /// <summary>Shortest time between two failure logs: a dead receiver must not flood the log.</summary>
    public static readonly TimeSpan FailureLogInterval = TimeSpan.FromMinutes(1);

    private readonly OtlpExporterOptions _options;
    private readonly ICumulativeMetricSource _source;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _resource;
    private readonly string _scopeVersion;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly IOtlpTransport _transport;
    private readonly Counter _exports;
    private readonly Counter _rejected;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private DateTimeOffset _lastFailureLog = DateTimeOffset.MinValue;
    private int _failuresNotLogged;
    private bool _failing;

    /// <summary>Creates the transport (loading TLS files) and registers the export counters in <paramref name="registry"/>.</summary>
    /// <param name="options">Validated settings.</param>
    /// <param name="source">What to export.</param>
    /// <param name="resource">Resource attributes (<see cref="OtlpResource.Build"/>).</param>
    /// <param name="scopeVersion">Version of the "netscope" instrumentation scope (the agent's version).</param>
    /// <param name="registry">Where the export counters go.</param>
    /// <param name="logger">Failure and recovery messages.</param>
    /// <param name="time">Clock for data point times.</param>
    public OtlpMetricExporter(
        OtlpExporterOptions options,
        ICumulativeMetricSource source,
        IReadOnlyList<KeyValuePair<string, string>> resource,
        string scopeVersion,
        CollectorRegistry registry,
        ILogger logger,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _source = source;
        _resource = resource;
        _scopeVersion = scopeVersion;
        _logger = logger;
        _time = time;
        _transport = OtlpTransports.Create(options);
        MetricFactory metrics = Metrics.WithCustomRegistry(registry);
        _exports = metrics.CreateCounter("netscope_otlp_exports_total", "OTLP metric exports by result (success, failure: timeout, refused, error answer).",
            new CounterConfiguration { LabelNames = ["result"] });
        _rejected = metrics.CreateCounter("netscope_otlp_rejected_data_points_total", "Data points an OTLP receiver rejected in a partial success.");
        _exports.WithLabels("success");
        _exports.WithLabels("failure");
    }

    /// <summary>Settings in use.</summary>
    public OtlpExporterOptions Options => _options;

    /// <summary>
    /// Collects and sends one request, bounded by the configured timeout and <paramref name="cancellationToken"/>.
    /// Returns true when the receiver accepted it (also when it rejected some points), false otherwise.
    /// </summary>
    public async Task<bool> ExportAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CumulativeMetricSnapshot? snapshot = _source.Collect();
            if (snapshot is null)
            {
                return false;
            }

            ExportMetricsServiceRequest request = OtlpRequestBuilder.Build(snapshot, _resource, _scopeVersion, _time.GetUtcNow());
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.Timeout);
            ExportMetricsServiceResponse response;
            try
            {
                response = await _transport.SendAsync(request, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                Failed(cancellationToken.IsCancellationRequested ? "cancelled (shutting down)" : $"no answer within the timeout ({_options.Timeout.TotalSeconds:0.###} s)");
                return false;
            }
            catch (OtlpExportException ex)
            {
                Failed(ex.Message);
                return false;
            }

            Succeeded(response, OtlpRequestBuilder.DataPoints(request));
            return true;
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _transport.Dispose();
        _oneAtATime.Dispose();
    }

    private void Succeeded(ExportMetricsServiceResponse response, int points)
    {
        _exports.WithLabels("success").Inc();
        if (response.PartialSuccess is { RejectedDataPoints: > 0 } partial)
        {
            _rejected.Inc(partial.RejectedDataPoints);
            _logger.LogWarning("OTLP: {Endpoint} rejected {Rejected} of {Points} data points: {Reason}", _options.Endpoint, partial.RejectedDataPoints, points, partial.ErrorMessage);
        }

        if (_failing)
        {
            _failing = false;
            _logger.LogInformation("OTLP: exports to {Endpoint} succeed again ({Suppressed} failures not logged since the last message)", _options.Endpoint, _failuresNotLogged);
            _failuresNotLogged = 0;
        }
    }

    private void Failed(string reason)
    {
        _exports.WithLabels("failure").Inc();
        _failing = true;
        DateTimeOffset now = _time.GetUtcNow();
        if (now - _lastFailureLog < FailureLogInterval)
        {
            _failuresNotLogged++;
            return;
        }

        _logger.LogWarning("OTLP: export to {Endpoint} failed: {Reason} ({Suppressed} more failures since the last message; the next export sends the cumulative values again)",
            _options.Endpoint, reason, _failuresNotLogged);
        _lastFailureLog = now;
        _failuresNotLogged = 0;
    }
}
