using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace NetScope.Agent.Hosting;

/// <summary>
/// SIGHUP (systemctl reload) reloads the rules from the config file, the same path as a file change.
/// Without a handler the runtime's default action would end the process.
/// </summary>
internal sealed class SignalHandlers(RulesReloader reloader) : IHostedService, IDisposable
{
    private PosixSignalRegistration? _hangup;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            ThreadPool.QueueUserWorkItem(_ => reloader.Reload("SIGHUP"));
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _hangup?.Dispose();
}
