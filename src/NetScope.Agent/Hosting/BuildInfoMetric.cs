using System.Reflection;
using Prometheus;

namespace NetScope.Agent.Hosting;

/// <summary>netscope_build_info: constant 1 with version, .NET runtime and kernel release labels.</summary>
internal sealed class BuildInfoMetric
{
    public BuildInfoMetric(CollectorRegistry registry)
    {
        Gauge info = Metrics.WithCustomRegistry(registry).CreateGauge(
            "netscope_build_info", "Constant 1; labels describe the running agent.",
            new GaugeConfiguration { LabelNames = ["version", "runtime", "kernel"] });
        info.WithLabels(Version, Environment.Version.ToString(), KernelRelease).Set(1);
    }

    public static string Version { get; } =
        typeof(BuildInfoMetric).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static string KernelRelease
    {
        get
        {
            try
            {
                return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
            }
            catch (IOException)
            {
                return "unknown";
            }
        }
    }
}
