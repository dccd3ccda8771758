using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Configuration;

namespace NetScope.Agent.Hosting;

/// <summary>
/// SIGHUP (systemctl reload): without a handler the runtime's default action would end the process.
/// This build has no hot-reloadable settings yet, so SIGHUP validates the config file again and logs
/// that a restart is needed to apply changes; the agent keeps running either way.
/// </summary>
internal sealed class SignalHandlers(AgentOptions options, ILogger<SignalHandlers> logger) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _hangup;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnHangup);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _hangup?.Dispose();

    private void OnHangup(PosixSignalContext context)
    {
        context.Cancel = true;
        if (options.ConfigPath is null)
        {
            logger.LogWarning("SIGHUP: running on the embedded default config; nothing to reload");
            return;
        }

        try
        {
            ConfigLoader.LoadFile(options.ConfigPath);
            logger.LogWarning("SIGHUP: {Path} is valid, but this build applies configuration only at start; restart the agent to apply changes", options.ConfigPath);
        }
        catch (ConfigException ex)
        {
            logger.LogError("SIGHUP: {Path} is invalid; the running configuration is unchanged:{NewLine}{Errors}", options.ConfigPath, Environment.NewLine, ex.Message);
        }
    }
}
