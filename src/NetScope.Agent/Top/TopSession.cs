using System.Globalization;
using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Top;

/// <summary>
/// The state `netscope top` shows: the last data read from the agent and the selected series. A failed
/// read keeps the last data and reports the failure in the frame, so a restarting agent does not blank
/// the screen.
/// </summary>
internal sealed class TopSession(AgentApiClient client, Uri agent)
{
    private HeatmapOverview? _overview;
    private HeatmapSeriesDetail? _detail;
    private FloodSnapshot? _flood;
    private SeriesKey? _selected;
    private DateTimeOffset _time;
    private string? _problem;
    private bool _chosen;

    public TopFrame Frame => new(agent, _time, _overview, _selected, _detail, _flood, _problem);

    /// <summary>Reads everything; throws <see cref="AgentApiException"/> (the session keeps its last data).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        HeatmapOverview overview = await client.GetOverviewAsync(cancellationToken);
        FloodSnapshot flood = await client.GetFloodAsync(cancellationToken);
        // Until a key picks a series, follow the busiest one: at start every count may still be 0.
        SeriesKey? selected = _chosen ? TopKeys.Select(overview.Series, _selected, TopAction.None) : TopKeys.Busiest(overview.Series, _selected);
        HeatmapSeriesDetail? detail = selected is SeriesKey key ? await client.GetSeriesAsync(key.Role, key.Port, TopRenderer.HeatmapScale, cancellationToken) : null;
        (_overview, _flood, _selected, _detail, _time, _problem) = (overview, flood, selected, detail, DateTimeOffset.Now, null);
    }

    /// <summary>Reads again and records a failure in the frame instead of throwing.</summary>
    public async Task RefreshOrReportAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshAsync(cancellationToken);
        }
        catch (AgentApiException ex)
        {
            string since = _time == default ? string.Empty : $"; showing data read at {_time.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)}";
            _problem = $"{ex.Message}{since}; retrying";
        }
    }

    /// <summary>Applies a key; true when the selection changed (its heatmap is read at once).</summary>
    public async Task<bool> SelectAsync(TopAction action, CancellationToken cancellationToken)
    {
        if (_overview is null)
        {
            return false;
        }

        _chosen = true;
        SeriesKey? selected = TopKeys.Select(_overview.Series, _selected, action);
        if (selected == _selected)
        {
            return false;
        }

        _selected = selected;
        _detail = null;
        if (selected is SeriesKey key)
        {
            try
            {
                _detail = await client.GetSeriesAsync(key.Role, key.Port, TopRenderer.HeatmapScale, cancellationToken);
            }
            catch (AgentApiException ex)
            {
                _problem = ex.Message + "; retrying";
            }
        }

        return true;
    }
}
