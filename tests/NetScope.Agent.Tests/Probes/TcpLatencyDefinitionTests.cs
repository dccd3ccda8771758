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
