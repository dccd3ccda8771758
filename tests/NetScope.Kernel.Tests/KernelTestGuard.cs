using NetScope.Native;

namespace NetScope.Kernel.Tests;

/// <summary>
/// Kernel tests skip (with the reason) where the machine cannot run them, except when
/// NETSCOPE_REQUIRE_KERNEL_TESTS=1 (set by `make test`): then a would-be skip fails the test,
/// so CI can never pass with the kernel tests silently skipped.
/// </summary>
internal static class KernelTestGuard
{
    public const string RequireVariable = "NETSCOPE_REQUIRE_KERNEL_TESTS";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    public static void Require()
    {
        string? missing = MissingPrerequisite();
        if (missing is null)
        {
            return;
        }

        if (Required)
        {
            Assert.Fail($"Kernel test cannot run here ({missing}), and {RequireVariable}=1 forbids skipping it.");
        }

        throw new SkipException($"Kernel test skipped: {missing}. Run as root (make test) to run it.");
    }

    /// <summary>Like <see cref="Require"/> for a program the test runs (installed by `make deps` as <paramref name="package"/>).</summary>
    public static void RequireTool(string path, string package)
    {
        if (File.Exists(path))
        {
            return;
        }

        string missing = $"{path} is missing (Debian package {package}; `make deps` installs it)";
        if (Required)
        {
            Assert.Fail($"Kernel test cannot run here ({missing}), and {RequireVariable}=1 forbids skipping it.");
        }

        throw new SkipException($"Kernel test skipped: {missing}.");
    }

    private static string? MissingPrerequisite()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "not Linux";
        }

        if (Environment.UserName != "root" && !Capabilities.HasEffective(Capabilities.Capability.CAP_BPF))
        {
            return "needs root (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN)";
        }

        if (!File.Exists(KernelFeatures.VmlinuxBtfPath))
        {
            return $"no kernel BTF at {KernelFeatures.VmlinuxBtfPath}";
        }

        return null;
    }
}

/// <summary>Kernel tests share the kernel: run them one at a time.</summary>
[CollectionDefinition("kernel", DisableParallelization = true)]
public sealed class KernelCollection
{
}
