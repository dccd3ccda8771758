using NetScope.Agent.Hosting;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.Tests.Hosting;

public class ProbeReportTests
{
    [Fact]
    public void ListsEveryHookAndRungWithReasonsAndTheChosenRung()
    {
        RungReport[] reports =
        [
            new(HookRung.Fentry, HookSet.Tcp, false, false, "no trampolines"),
            new(HookRung.Kprobe, HookSet.Tcp, false, false, "kernel built without CONFIG_KPROBES"),
            new(HookRung.Tracepoint, HookSet.Sock, false, false, "tracepoint sock/sock_send_length does not exist on this kernel"),
            new(HookRung.Tracepoint, HookSet.Syscalls, true, true, "loaded and attached"),
        ];
        string text = ProbeReport.Format("tcp_latency", ["tcp_sendmsg", "tcp_recvmsg"], reports);
        Assert.Contains("hook tcp_sendmsg", text);
        Assert.Contains("hook tcp_recvmsg", text);
        Assert.Contains("fentry/tcp           refused: no trampolines", text);
        Assert.Contains("kprobe/tcp           refused: kernel built without CONFIG_KPROBES", text);
        Assert.Contains("tracepoint/sock      refused: tracepoint sock/sock_send_length does not exist", text);
        Assert.Contains("tracepoint/syscalls  available (would be used)", text);
        Assert.EndsWith("rung used: tracepoint/syscalls\n", text);
    }

    [Fact]
    public void SaysWhenNoRungCanAttach()
    {
        string text = ProbeReport.Format("tcp_latency", ["tcp_sendmsg"], [new(HookRung.Tracepoint, HookSet.Sock, false, false, "missing")]);
        Assert.Contains("rung used: none", text);
    }
}
