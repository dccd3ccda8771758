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
            new(HookRung.Fentry, false, false, "no trampolines"),
            new(HookRung.Kprobe, false, false, "kernel built without CONFIG_KPROBES"),
            new(HookRung.Tracepoint, true, true, "loaded and attached"),
        ];
        string text = ProbeReport.Format("tcp_latency", ["tcp_sendmsg", "tcp_recvmsg"], reports);
        Assert.Contains("hook tcp_sendmsg", text);
        Assert.Contains("hook tcp_recvmsg", text);
        Assert.Contains("fentry     refused: no trampolines", text);
        Assert.Contains("kprobe     refused: kernel built without CONFIG_KPROBES", text);
        Assert.Contains("tracepoint available (would be used)", text);
        Assert.EndsWith("rung used: tracepoint\n", text);
    }

    [Fact]
    public void SaysWhenNoRungCanAttach()
    {
        string text = ProbeReport.Format("tcp_latency", ["tcp_sendmsg"], [new(HookRung.Tracepoint, false, false, "missing")]);
        Assert.Contains("rung used: none", text);
    }
}
