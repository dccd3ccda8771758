using NetScope.Native;

namespace NetScope.Native.Tests;

public class BpfErrorsTests
{
    private const ulong NoCapabilities = 0;
    private const ulong RootCapabilities = ulong.MaxValue;

    [Fact]
    public void NegativeResultThrowsNamingOperationObjectAndErrno()
    {
        BpfException ex = Assert.Throws<BpfException>(() => BpfErrors.Check(-Errno.ENOENT, "bpf_object__find_map_by_name", "tcp_latency/missing"));
        Assert.Equal(Errno.ENOENT, ex.Errno);
        Assert.Equal("bpf_object__find_map_by_name", ex.Operation);
        Assert.Equal("tcp_latency/missing", ex.ObjectName);
        Assert.Contains("bpf_object__find_map_by_name 'tcp_latency/missing' failed", ex.Message);
        Assert.Contains("errno 2", ex.Message);
    }

    [Fact]
    public void NonNegativeResultIsReturned() => Assert.Equal(7, BpfErrors.Check(7, "op", null));

    [Theory]
    [InlineData("bpf_object__load", "CAP_BPF")]
    [InlineData("bpf_program__attach_tracepoint", "CAP_PERFMON")]
    [InlineData("bpf_program__attach_kprobe", "CAP_PERFMON")]
    [InlineData("bpf_program__attach_xdp", "CAP_NET_ADMIN")]
    [InlineData("mount", "CAP_SYS_ADMIN")]
    [InlineData("setns", "CAP_SYS_ADMIN")]
    public void PermissionErrorsNameTheMissingCapability(string operation, string capability)
    {
        BpfException ex = BpfErrors.Create(Errno.EPERM, operation, "x", NoCapabilities);
        Assert.Contains($"Missing capability {capability}", ex.Message);
    }

    [Fact]
    public void PermissionErrorWithCapabilityHeldSaysTheKernelRefusedForAnotherReason()
    {
        BpfException ex = BpfErrors.Create(Errno.EACCES, "bpf_object__load", "tcp_latency", RootCapabilities);
        Assert.Contains("holds CAP_BPF", ex.Message);
        Assert.DoesNotContain("Missing capability", ex.Message);
    }

    [Fact]
    public void OtherErrnosCarryNoCapabilityHint()
    {
        BpfException ex = BpfErrors.Create(Errno.EINVAL, "bpf_map_update_elem", "m", NoCapabilities);
        Assert.DoesNotContain("capability", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void KernelInternalEnotsuppIsDescribed() =>
        Assert.Contains("not supported by this kernel", BpfErrors.Create(Errno.ENOTSUPP, "op", null, 0).Message);
}
