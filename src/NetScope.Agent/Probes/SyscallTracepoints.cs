namespace NetScope.Agent.Probes;

/// <summary>
/// The syscalls hook set of the tracepoint rung (bpf/tcp_latency.bpf.c, last section): for kernels before
/// 6.3, which lack sock:sock_send_length/sock_recv_length. Each socket I/O syscall's enter and exit
/// tracepoint gets one of five programs; a program serves every tracepoint whose arguments it reads the same way.
/// </summary>
internal static class SyscallTracepoints
{
    /// <summary>Syscalls whose return value is bytes sent.</summary>
    public static IReadOnlyList<string> Send { get; } = ["write", "writev", "sendto", "sendmsg"];

    /// <summary>Syscalls whose return value is bytes received.</summary>
    public static IReadOnlyList<string> Receive { get; } = ["read", "readv", "recvfrom", "recvmsg"];

    /// <summary>The enter program of a syscall: the receive flags (MSG_PEEK) sit in a different argument of each recv syscall.</summary>
    private static string EnterProgram(string syscall) => syscall switch
    {
        "recvfrom" => "tp_sys_enter_recvfrom",
        "recvmsg" => "tp_sys_enter_recvmsg",
        _ => "tp_sys_enter_sock_io",
    };

    public static RungPrograms Rung { get; } = new(
        NetScope.Native.HookRung.Tracepoint,
        HookSet.Syscalls,
        [
            .. Send.SelectMany(syscall => Pair(syscall, "tcp_sendmsg", "tp_sys_exit_sock_send")),
            .. Receive.SelectMany(syscall => Pair(syscall, "tcp_recvmsg", "tp_sys_exit_sock_recv")),
        ],
        [],
        [.. Send.Concat(Receive).SelectMany(syscall => new[] { $"syscalls/sys_enter_{syscall}", $"syscalls/sys_exit_{syscall}" })],
        SocketStateStorage.LruHash);

    private static HookProgram[] Pair(string syscall, string hook, string exitProgram) =>
    [
        new(EnterProgram(syscall), hook, p => p.AttachTracepoint("syscalls", $"sys_enter_{syscall}")),
        new(exitProgram, hook, p => p.AttachTracepoint("syscalls", $"sys_exit_{syscall}")),
    ];
}
