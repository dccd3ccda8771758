using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Aggregation;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Hosting;

/// <summary>
/// Reads the tcp_latency probe's cumulative latency histograms every heatmap interval and feeds them to
/// the <see cref="HeatmapStore"/>, which turns them into per-interval columns.
/// </summary>
internal sealed class HeatmapService : IHostedService, IDisposable
{
    private readonly TcpLatencyService _latency;
    private readonly HeatmapStore _store;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger<HeatmapService> _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public HeatmapService(AgentOptions options, TcpLatencyService latency, HeatmapStore store, ILogger<HeatmapService> logger)
    {
        _latency = latency;
        _store = store;
        _interval = options.Config.Heatmap.Interval;
        _time = TimeProvider.System;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var timer = new PeriodicTimer(_interval, _time);
        _loop = RunAsync(timer, _stop.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stop.Dispose();

    private async Task RunAsync(PeriodicTimer timer, CancellationToken stopping)
    {
        using (timer)
        {
            try
            {
                // The first read at start is the baseline; every tick after it closes one column.
                Sample();
                while (await timer.WaitForNextTickAsync(stopping))
                {
                    Sample();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
        }
    }

    private void Sample()
    {
        try
        {
            List<TcpLatencySeries>? latency = _latency.Probe?.ReadLatency();
            if (latency is null)
            {
                return; // not attached (yet, or any more): no snapshot rather than an empty one
            }

            latency.RemoveAll(s => s.Role == TcpRole.Unknown);
            _store.Add(_time.GetUtcNow(), latency);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // One failed read (e.g. the probe detached mid-read) must not end the heatmap.
            _logger.LogWarning(ex, "Heatmap: reading the latency histograms failed");
        }
    }
}
