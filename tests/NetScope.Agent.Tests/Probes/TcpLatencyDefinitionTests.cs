using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.Tests.Probes;

/// <summary>The rungs and hook sets of the TCP probe against its BPF object (opened, not loaded: no kernel needed).</summary>
public class TcpLatencyDefinitionTests
{
    private static readonly ProbeDefinition s_definition = TcpLatencyProbe.Definition;

    [Fact]
    public void EveryProgramOfTheObjectIsAttachedByARungOrByAll()
    {
        using BpfObject bpf = BpfObject.OpenMemory(EmbeddedBpfObjects.Read(s_definition.ObjectName), s_definition.ObjectName);
        IEnumerable<string> attached = s_definition.Rungs.SelectMany(r => r.AllPrograms).Select(p => p.ProgramName);
        Assert.Equal(bpf.Programs.Select(p => p.Name).Order(), attached.Distinct().Order());
    }

    /// <summary>Only fentry/fexit and tp_btf programs get the BTF socket pointer bpf_sk_storage_get needs.</summary>
    [Fact]
    public void EachRungAttachesTheSharedVariantOfTheStorageItsProgramsCanUse()
    {
        using BpfObject bpf = BpfObject.OpenMemory(EmbeddedBpfObjects.Read(s_definition.ObjectName), s_definition.ObjectName);
        foreach (RungPrograms rung in s_definition.Rungs)
        {
            bool typed = rung.Programs.All(p => IsBtfTyped(bpf.FindProgram(p.ProgramName)));
            Assert.True(typed || rung.Programs.All(p => !IsBtfTyped(bpf.FindProgram(p.ProgramName))), $"{Names.Of(rung.Rung, rung.HookSet)} mixes typed and untyped programs");
            Assert.Same(typed ? SocketStateStorage.SkStorage : SocketStateStorage.LruHash, rung.Shared);
            Assert.All(rung.Shared.Programs, p => Assert.Equal(typed, IsBtfTyped(bpf.FindProgram(p.ProgramName))));
        }

        Assert.Equal(["fentry/tcp", "tracepoint/sock"], s_definition.Rungs.Where(r => r.Shared == SocketStateStorage.SkStorage).Select(r => Names.Of(r.Rung, r.HookSet)));
    }

    [Fact]
    public void EachVariantNamesTheStateMapOfItsStorageAndNoOtherVariantsMap()
    {
        using BpfObject bpf = BpfObject.OpenMemory(EmbeddedBpfObjects.Read(s_definition.ObjectName), s_definition.ObjectName);
        Assert.Equal(BpfMapType.SkStorage, bpf.FindMap(SocketStateStorage.SkStorage.Maps.Single()).Type);
        BpfMap lru = bpf.FindMap(SocketStateStorage.LruHash.Maps.Single());
        Assert.Equal(BpfMapType.LruHash, lru.Type);
        Assert.Equal(SocketStateStorage.LruCapacity, lru.MaxEntries);
        Assert.True(lru.AutoCreate);
        lru.AutoCreate = false;
        Assert.False(lru.AutoCreate);
    }

    [Theory]
    [InlineData(10, 4, 6)]
    [InlineData(10, 10, 0)]
    [InlineData(3, 5, 0)] // per-CPU sums are not one snapshot: a release can be read before its creation
    public void TrackedSocketsAreCreatedMinusReleasedNeverBelowZero(ulong tracked, ulong released, ulong expected)
    {
        ulong[] counters = new ulong[(int)TcpCounter.Max];
        counters[(int)TcpCounter.SocketsTracked] = tracked;
        counters[(int)TcpCounter.SocketsReleased] = released;
        Assert.Equal(expected, TcpLatencyProbe.TrackedSockets(counters));
    }

    private static bool IsBtfTyped(BpfProgram program) =>
        program.SectionName.StartsWith("tp_btf/", StringComparison.Ordinal)
        || program.SectionName.StartsWith("fentry/", StringComparison.Ordinal)
        || program.SectionName.StartsWith("fexit/", StringComparison.Ordinal);

    [Fact]
    public void TheTracepointRungPrefersTheSockHookSetThenSyscalls() =>
        Assert.Equal(
            ["fentry/tcp", "kprobe/tcp", "tracepoint/sock", "tracepoint/syscalls"],
            s_definition.Rungs.Select(r => Names.Of(r.Rung, r.HookSet)));

    [Fact]
    public void TheSyscallsHookSetNeedsTheEnterAndExitTracepointOfEverySocketIoSyscall()
    {
        RungPrograms syscalls = s_definition.Rungs.Single(r => r.HookSet == HookSet.Syscalls);
        string[] names = ["read", "write", "readv", "writev", "sendto", "recvfrom", "sendmsg", "recvmsg"];
        Assert.Equal(
            names.SelectMany(n => new[] { $"syscalls/sys_enter_{n}", $"syscalls/sys_exit_{n}" }).Order(),
            syscalls.Tracepoints.Order());
        Assert.Equal(syscalls.Tracepoints.Count, syscalls.Programs.Count);
    }

    [Fact]
    public void ReceiveFlagsAreReadWhereEachRecvSyscallKeepsThemAndExitsMatchTheDirection()
    {
        RungPrograms syscalls = s_definition.Rungs.Single(r => r.HookSet == HookSet.Syscalls);
        Assert.Equal(
            ["tp_sys_enter_recvfrom", "tp_sys_enter_recvmsg", "tp_sys_enter_sock_io", "tp_sys_exit_sock_recv"],
            syscalls.Programs.Where(p => p.Hook == "tcp_recvmsg").Select(p => p.ProgramName).Distinct().Order());
        Assert.Equal(
            ["tp_sys_enter_sock_io", "tp_sys_exit_sock_send"],
            syscalls.Programs.Where(p => p.Hook == "tcp_sendmsg").Select(p => p.ProgramName).Distinct().Order());
    }
}
