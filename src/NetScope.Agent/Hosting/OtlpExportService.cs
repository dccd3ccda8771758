using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetScope.Exporters.Otlp;
using Prometheus;

namespace NetScope.Agent.Hosting;

/// <summary>
/// Pushes the OTLP metrics every interval when `otlp:` (or OTEL_EXPORTER_OTLP_*) gives an endpoint, and once
/// more on shutdown (SIGTERM) so the last counts are not lost. Registered after <see cref="TcpLatencyService"/>,
/// so it stops first and the final export still reads the attached probe. A failing export never stops the
/// agent: the exporter counts and logs it, and the next cumulative export catches up.
/// </summary>
internal sealed class OtlpExportService : IHostedService, IDisposable
{
    private readonly OtlpExporterOptions? _options;
    private readonly OtlpMetricSource _source;
    private readonly CollectorRegistry _registry;
    private readonly ILogger<OtlpExportService> _logger;
    private readonly CancellationTokenSource _stop = new();
    private OtlpMetricExporter? _exporter;
    private Task _loop = Task.CompletedTask;

    public OtlpExportService(AgentOptions options, TcpLatencyService latency, CollectorRegistry registry, ILogger<OtlpExportService> logger)
    {
        _options = options.Config.Otlp;
        _source = new OtlpMetricSource(latency);
        _registry = registry;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options is null)
        {
            _logger.LogDebug("OTLP export off: no otlp.endpoint and no OTEL_EXPORTER_OTLP_ENDPOINT");
            return Task.CompletedTask;
        }

        IReadOnlyList<KeyValuePair<string, string>> resource = OtlpResource.Build(Environment.GetEnvironmentVariable, Environment.MachineName);
        try
        {
            _exporter = new OtlpMetricExporter(_options, _source, resource, BuildInfoMetric.Version, _registry, _logger, TimeProvider.System);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            // The TLS files were checked when the config loaded; they changed since. Stop with the reason.
            throw new InvalidOperationException($"OTLP: cannot load the TLS files: {ex.Message}", ex);
        }

        _logger.LogInformation("OTLP: exporting metrics to {Endpoint} ({Protocol}) every {Interval} s as {Resource}",
            _options.Endpoint, OtlpExporterOptions.ProtocolName(_options.Protocol), _options.Interval.TotalSeconds,
            string.Join(", ", resource.Select(a => $"{a.Key}={a.Value}")));
        _loop = RunAsync(_exporter, new PeriodicTimer(_options.Interval), _stop.Token);
        return Task.CompletedTask;
    }

    /// <summary>Ends the loop, then exports once more, bounded by the OTLP timeout and the host's shutdown timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_exporter is null)
        {
            return;
        }

        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        bool sent = await ExportAsync(_exporter, cancellationToken);
        _logger.LogInformation("OTLP: final export on shutdown {Result}", sent ? "sent" : "failed (see the warning above and netscope_otlp_exports_total)");
    }

    public void Dispose()
    {
        _exporter?.Dispose();
        _stop.Dispose();
    }

    private async Task RunAsync(OtlpMetricExporter exporter, PeriodicTimer timer, CancellationToken stopping)
    {
        using (timer)
        {
            try
            {
                while (await timer.WaitForNextTickAsync(stopping))
                {
                    await ExportAsync(exporter, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
        }
    }

    private async Task<bool> ExportAsync(OtlpMetricExporter exporter, CancellationToken cancellationToken)
    {
        try
        {
            return await exporter.ExportAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Reading the kernel maps failed (e.g. the probe detached mid-read): skip this round, never crash.
            _logger.LogWarning(ex, "OTLP: collecting the metrics failed");
            return false;
        }
    }
}
