using NetScope.Native;

namespace NetScope.Native.Tests;

public class KernelFeaturesTests
{
    private static KernelFeatures With(params string[] paths)
    {
        var set = new HashSet<string>(paths, StringComparer.Ordinal);
        return new KernelFeatures(set.Contains);
    }

    private const string Events = "/sys/kernel/tracing/events";

    [Fact]
    public void KprobeRefusedWithoutKprobeEvents()
    {
        RungAvailability result = With(Events).CheckPrerequisites(HookRung.Kprobe, ["tcp_sendmsg"], []);
        Assert.False(result.Available);
        Assert.Contains("CONFIG_KPROBES", result.Reason);
    }

    [Fact]
    public void KprobeAvailableWithKprobeEvents() =>
        Assert.True(With(Events, "/sys/kernel/tracing/kprobe_events").CheckPrerequisites(HookRung.Kprobe, ["tcp_sendmsg"], []).Available);

    [Fact]
    public void FentryRefusedWithoutBtf()
    {
        RungAvailability result = With(Events).CheckPrerequisites(HookRung.Fentry, ["tcp_sendmsg"], []);
        Assert.False(result.Available);
        Assert.Contains("BTF", result.Reason);
    }

    [Fact]
    public void FentryRefusedWithoutFunctionTracing()
    {
        RungAvailability result = With(Events, KernelFeatures.VmlinuxBtfPath).CheckPrerequisites(HookRung.Fentry, ["tcp_sendmsg"], []);
        Assert.False(result.Available);
        Assert.Contains("trampolines", result.Reason);
    }

    [Fact]
    public void TracepointRefusedNamesTheMissingTracepoint()
    {
        RungAvailability result = With(Events, Events + "/sock/sock_send_length").CheckPrerequisites(HookRung.Tracepoint, [], ["sock/sock_send_length", "sock/sock_recv_length"]);
        Assert.False(result.Available);
        Assert.Contains("sock/sock_recv_length", result.Reason);
    }
}
