namespace NetScope.Native;

/// <summary>An attachment of a program to a hook; disposing detaches it.</summary>
public sealed class BpfLink : IDisposable
{
    // A libbpf struct bpf_link (SafeBpfLinkHandle) or a raw link fd from bpf_link_create (SafeFileHandle: close(2) detaches).
    private readonly System.Runtime.InteropServices.SafeHandle _handle;

    internal BpfLink(System.Runtime.InteropServices.SafeHandle handle, string description)
    {
        _handle = handle;
        Description = description;
    }

    /// <summary>What is attached to what, e.g. "tp_sys_exit_sock_send -> syscalls/sys_exit_write".</summary>
    public string Description { get; }

    /// <summary>Whether the link is still attached (not disposed).</summary>
    public bool IsAttached => !_handle.IsClosed;

    /// <summary>Detaches the program.</summary>
    public void Dispose() => _handle.Dispose();
}
