using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetScope.Native;

namespace NetScope.Agent.Hosting;

/// <summary>Runs first: routes libbpf's messages to the log and mounts tracefs/bpffs when missing.</summary>
internal sealed class KernelPreparation(ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LibbpfLogging.Install(loggerFactory.CreateLogger("libbpf"));
        KernelFileSystems.EnsureMounted(loggerFactory.CreateLogger<KernelPreparation>());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
