using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.Tests.Probes;

/// <summary>
/// tcp_latency's load-time configuration (the variable cfg in section .rodata.cfg) is set through libbpf's initial
/// value of that section's map, which takes only the section's exact size: a mirror that drifted from the C struct
/// fails loudly, naming the map, instead of configuring the programs with shifted fields. Opening an object needs
/// no privileges, so this runs with the unit tests.
/// </summary>
public sealed class LoadTimeConfigTests
{
    [Fact]
    public void TheConfigSectionTakesItsMirror()
    {
        using BpfObject bpf = BpfObject.OpenMemory(EmbeddedBpfObjects.Read("tcp_latency"), "tcp_latency");
        BpfMap section = bpf.FindMap(TcpLatencyConfig.Section);

        Assert.Equal(System.Runtime.CompilerServices.Unsafe.SizeOf<TcpLatencyConfig>(), section.ValueSize);
        section.SetInitialValue(new TcpLatencyConfig { SlowThresholdNs = 1_000_000, CloseEvents = 1 });
    }

    [Fact]
    public void ReceivesTakeTheStackTimeCheckedOneInSixtyFourAgainstTwentyMicroseconds()
    {
        TcpLatencyConfig config = TcpLatencyProbe.LoadConfig(new NetScope.Agent.Configuration.EventsSettings());

        Assert.Equal(6u, config.ReceiveCheckShift);
        Assert.Equal(20_000UL, config.ReceiveMaxAgeNs);
    }

    [Fact]
    public void TheReceiveTimeStateHasASectionOfItsOwn()
    {
        // The probe reads the whole section as the struct: another variable in it would shift or hide the fields.
        using BpfObject bpf = BpfObject.OpenMemory(EmbeddedBpfObjects.Read("tcp_latency"), "tcp_latency");

        Assert.Equal(System.Runtime.CompilerServices.Unsafe.SizeOf<TcpReceiveTimeState>(), bpf.FindMap(TcpReceiveTimeState.Section).ValueSize);
    }

    [Fact]
    public void AValueOfAnotherSizeIsRefusedNamingTheSection()
    {
        using BpfObject bpf = BpfObject.OpenMemory(EmbeddedBpfObjects.Read("tcp_latency"), "tcp_latency");
        BpfMap section = bpf.FindMap(TcpLatencyConfig.Section);

        BpfException refused = Assert.Throws<BpfException>(() => section.SetInitialValue(1_000_000UL));
        Assert.Equal(Errno.EINVAL, refused.Errno);
        Assert.Contains(TcpLatencyConfig.Section, refused.Message);
    }
}
