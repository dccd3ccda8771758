namespace NetScope.Agent.Probes;

/// <summary>
/// The kernel layer a rung's programs hook. A rung can offer more than one: the tracepoint rung hooks the
/// socket layer where the kernel has its tracepoints (6.3+), else the syscall layer.
/// </summary>
internal enum HookSet
{
    /// <summary>The TCP functions themselves, tcp_sendmsg/tcp_recvmsg (fentry and kprobe rungs).</summary>
    Tcp,

    /// <summary>sock:sock_send_length/sock:sock_recv_length (Linux 6.3+).</summary>
    Sock,

    /// <summary>syscalls:sys_enter_X/sys_exit_X of read, write, readv, writev, sendto, recvfrom, sendmsg, recvmsg.</summary>
    Syscalls,
}
