using NetScope.Native;

namespace NetScope.Native.Tests;

public class KernelFileSystemsTests
{
    private static readonly string[] s_mounts =
    [
        "proc /proc proc rw,nosuid 0 0",
        "tracefs /sys/kernel/tracing tracefs rw,relatime 0 0",
        "none /sys/fs/bpf bpf rw 0 0",
    ];

    [Fact]
    public void FindsMountsByPathAndType()
    {
        Assert.True(KernelFileSystems.IsMounted("tracefs", "/sys/kernel/tracing", s_mounts));
        Assert.True(KernelFileSystems.IsMounted("bpf", "/sys/fs/bpf", s_mounts));
    }

    [Fact]
    public void WrongTypeAtPathIsNotAMount() =>
        Assert.False(KernelFileSystems.IsMounted("bpf", "/sys/kernel/tracing", s_mounts));

    [Fact]
    public void MissingMountIsReported() =>
        Assert.False(KernelFileSystems.IsMounted("debugfs", "/sys/kernel/debug", s_mounts));
}
