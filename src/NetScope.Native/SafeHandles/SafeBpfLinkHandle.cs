using System.Runtime.InteropServices;

namespace NetScope.Native;

/// <summary>Owns a struct bpf_link*; released with bpf_link__destroy, which detaches the program.</summary>
public sealed class SafeBpfLinkHandle : SafeHandle
{
    /// <summary>Creates an invalid handle; the interop marshaller fills it.</summary>
    public SafeBpfLinkHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => Interop.bpf_link__destroy(handle) == 0;
}
