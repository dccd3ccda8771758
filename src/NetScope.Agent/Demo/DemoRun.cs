using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Configuration;
using NetScope.Agent.Hosting;
using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Demo;

/// <summary>One demo run: what it made (so the clean-up removes exactly that) and its reporting.</summary>
internal sealed class DemoRun(IPEndPoint listen, LogLevel level, TimeSpan duration, TextWriter output) : IAsyncDisposable
{
    private static readonly TimeSpan s_statusEvery = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_ready = TimeSpan.FromSeconds(10);

    private readonly string _directory = Directory.CreateTempSubdirectory("netscope-demo-").FullName;
    private DemoNetwork? _network;
    private DemoNginx? _nginx;
    private WebApplication? _agent;
    private HttpLoadGenerator? _legit;
    private HttpLoadGenerator? _flood;

    public async Task RunAsync(CancellationToken stop)
    {
        IReadOnlyList<string> stale = DemoNetwork.RemoveStale();
        if (stale.Count > 0)
        {
            await output.WriteLineAsync($"Removed leftovers of a demo that did not clean up: {string.Join(", ", stale)}");
        }

        DemoNetwork network = _network = DemoNetwork.Create(Environment.ProcessId);
        DemoNginx nginx = _nginx = DemoNginx.Start(network, _directory);
        var target = new IPEndPoint(IPAddress.Parse(DemoNetwork.ServerAddress), DemoNetwork.Port);
        await WaitForNginxAsync(network, nginx, target, stop);

        string configPath = Path.Combine(_directory, "netscope.yaml");
        await File.WriteAllTextAsync(configPath, DemoAgentConfig.Yaml(network), stop);
        AgentConfig config = ConfigLoader.LoadFile(configPath);
        _agent = AgentHost.Build(new AgentOptions { ConfigPath = configPath, Config = config with { Listen = listen }, Listen = listen, AllowedRungs = config.Rungs }, level);
        await _agent.StartAsync(stop);
        Readiness readiness = _agent.Services.GetRequiredService<Readiness>();
        await WaitForAsync(() => readiness.IsReady, s_ready, stop);
        IFloodView floodView = _agent.Services.GetRequiredService<IFloodView>();
        if (floodView.GetSnapshot(0).Interfaces.FirstOrDefault(i => i.Attached) is null)
        {
            throw new DemoException($"the XDP filter did not attach to {network.ClientVeth} (the agent's log above says why)");
        }

        // Clients start after the agent: the probes measure connections they see being set up.
        _legit = new HttpLoadGenerator("legit", network.ClientNamespace, IPAddress.Parse(DemoNetwork.LegitAddress), target, n => LegitPath(n, nginx.HasDelayedPaths), DemoCommand.LegitRate, 1);
        _legit.Start();
        _flood = new HttpLoadGenerator("flood", network.ClientNamespace, IPAddress.Parse(DemoNetwork.AttackerAddress), target, _ => "/", 0, DemoCommand.FloodConnections);
        _flood.Start();
        await output.WriteLineAsync(Banner(network, nginx));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(stop, _agent.Lifetime.ApplicationStopping);
        if (duration > TimeSpan.Zero)
        {
            ending.CancelAfter(duration);
        }

        while (!ending.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(s_statusEvery, ending.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await output.WriteLineAsync($"[{clock.Elapsed.TotalSeconds,4:0}s] {Status()}");
        }

        await output.WriteLineAsync(Summary(clock.Elapsed));
    }

    /// <summary>Stops and removes everything this run made, in reverse order; reports what could not be removed.</summary>
    public async ValueTask DisposeAsync()
    {
        _flood?.Dispose();
        _legit?.Dispose();
        if (_agent is not null)
        {
            await _agent.StopAsync(CancellationToken.None);
            await _agent.DisposeAsync();
        }

        _nginx?.Dispose();
        _network?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException ex)
        {
            await output.WriteLineAsync($"Could not remove {_directory}: {ex.Message}");
        }

        if (_network is not null)
        {
            IReadOnlyList<string> remaining = _network.Remaining();
            await output.WriteLineAsync(remaining.Count == 0
                ? $"Cleaned up: nginx stopped, agent stopped (XDP detached), removed {_network.Objects}."
                : $"Clean-up incomplete, still present: {string.Join(", ", remaining)} (remove with 'ip netns del' / 'ip link del'; the next demo also removes them)");
        }
    }

    private static string LegitPath(long n, bool delays) => (delays, n % 10) switch
    {
        (true, 6 or 7) => DemoNginx.DelayedPaths[0].Path,
        (true, 8) => DemoNginx.DelayedPaths[1].Path,
        (true, 9) => DemoNginx.DelayedPaths[2].Path,
        _ => "/",
    };

    private string Banner(DemoNetwork network, DemoNginx nginx)
    {
        string agentFlag = listen.Equals(AgentOptions.DefaultListen) ? string.Empty : $" --agent {listen}";
        string self = File.Exists("build/netscope") ? "build/netscope" : "netscope";
        string delays = nginx.HasDelayedPaths ? ", 60 % fast and 40 % with 2/40/150 ms delays" : string.Empty;
        string until = duration > TimeSpan.Zero ? $"for {duration.TotalSeconds:0} s" : "until Ctrl-C";
        return $"""
            NetScope demo (pid {Environment.ProcessId}) is running {until}; Ctrl-C ends it and cleans up.
              nginx         {DemoNetwork.ServerAddress}:{DemoNetwork.Port} in namespace {network.WebNamespace}
              legit client  {DemoNetwork.LegitAddress} in {network.ClientNamespace}: {DemoCommand.LegitRate} GET/s{delays}
              attacker      {DemoNetwork.AttackerAddress} in {network.ClientNamespace}: GET flood on {DemoCommand.FloodConnections} connections
              agent         XDP on {network.ClientVeth} (the clients' veth on bridge {network.Bridge}); rule {DemoAgentConfig.RuleName}: over {DemoAgentConfig.Threshold} GET/s from one source, drop it for {DemoAgentConfig.BlockSeconds} s
            Look at it from another terminal:
              {self} top{agentFlag}
              http://{listen}/    (the web heatmap)
              curl -s {listen}/metrics | grep -E 'netscope_rule_|netscope_xdp_packets_total'
              curl -s {listen}/api/v1/flood
              ip netns exec {network.ClientNamespace} curl -s http://{DemoNetwork.ServerAddress}/
            """;
    }

    private string Status()
    {
        (FloodRuleStatus? rule, HeatmapSeriesSummary? series) = Read();
        return $"legit {_legit!.Answered:N0}/{_legit.Sent:N0} answered · attacker {_flood!.Answered:N0}/{_flood.Sent:N0} answered"
            + $" · {DemoAgentConfig.RuleName}: {rule?.Drops ?? 0:N0} packets dropped, {rule?.BlockedSources ?? 0} source(s) blocked"
            + $" · heatmap server {DemoNetwork.Port}: {series?.Count ?? 0:N0} requests";
    }

    private string Summary(TimeSpan elapsed)
    {
        (FloodRuleStatus? rule, HeatmapSeriesSummary? series) = Read();
        HeatmapSeriesDetail? detail = _agent!.Services.GetRequiredService<IHeatmapView>().GetSeries("server", DemoNetwork.Port, 0);
        int filled = detail?.Columns.Count(c => c.Count > 0) ?? 0;
        return $"""
            Summary after {elapsed.TotalSeconds:0} s:
              legit client {DemoNetwork.LegitAddress}: {_legit!.Sent:N0} requests, {_legit.Answered:N0} answered
              attacker {DemoNetwork.AttackerAddress}: {_flood!.Sent:N0} requests, {_flood.Answered:N0} answered, {_flood.Failed:N0} without answer
              rule {DemoAgentConfig.RuleName}: {rule?.Drops ?? 0:N0} packets dropped, {rule?.Alerts ?? 0:N0} alert(s), {rule?.Matches ?? 0:N0} matches
              heatmap server port {DemoNetwork.Port}: {series?.Count ?? 0:N0} requests in {filled} non-empty column(s), p50 {Top.TopFormat.Percentile(series?.P50Seconds, false)}, p99 {Top.TopFormat.Percentile(series?.P99Seconds, false)}
            """;
    }

    private (FloodRuleStatus? Rule, HeatmapSeriesSummary? Series) Read()
    {
        FloodSnapshot flood = _agent!.Services.GetRequiredService<IFloodView>().GetSnapshot(1);
        HeatmapOverview heatmap = _agent.Services.GetRequiredService<IHeatmapView>().GetOverview();
        string port = DemoNetwork.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (flood.Rules.FirstOrDefault(r => r.Name == DemoAgentConfig.RuleName), heatmap.Series.FirstOrDefault(s => s.Role == "server" && s.Port == port));
    }

    // One throw-away client asks until nginx answers, so a failure is reported before the agent starts.
    private static async Task WaitForNginxAsync(DemoNetwork network, DemoNginx nginx, IPEndPoint target, CancellationToken stop)
    {
        using var check = new HttpLoadGenerator("check", network.ClientNamespace, IPAddress.Parse(DemoNetwork.LegitAddress), target, _ => "/", 10, 1);
        check.Start();
        await WaitForAsync(() => check.Answered > 0 || check.Error is not null || nginx.HasExited, s_ready, stop);
        if (check.Answered == 0)
        {
            throw new DemoException($"nginx in {network.WebNamespace} did not answer {target} within {s_ready.TotalSeconds} s: {check.Error ?? nginx.ErrorLogTail()}");
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, CancellationToken stop)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < timeout)
        {
            await Task.Delay(100, stop);
        }
    }
}
