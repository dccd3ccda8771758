using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NetScope.Native;

namespace NetScope.Kernel.Tests;

internal static class TestKernel
{
    private static readonly Lazy<bool> s_prepared = new(() =>
    {
        LibbpfLogging.Install(NullLogger.Instance);
        KernelFileSystems.EnsureMounted(NullLogger.Instance);
        return true;
    });

    /// <summary>Mounts tracefs/bpffs once per test run, as the agent does at start.</summary>
    public static void Prepare() => _ = s_prepared.Value;

    public static ILogger Logger => NullLogger.Instance;
}
