using NetScope.Native;

namespace NetScope.Native.Tests;

public class CapabilitiesTests
{
    [Fact]
    public void EffectiveMaskBitsMapToCapabilities()
    {
        ulong mask = (1UL << 39) | (1UL << 12);
        Assert.True(Capabilities.HasEffective(Capabilities.Capability.CAP_BPF, mask));
        Assert.True(Capabilities.HasEffective(Capabilities.Capability.CAP_NET_ADMIN, mask));
        Assert.False(Capabilities.HasEffective(Capabilities.Capability.CAP_PERFMON, mask));
    }

    [Fact]
    public void ReadsThisProcessMask() => _ = Capabilities.ReadEffectiveMask();
}
