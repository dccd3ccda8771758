using System.Runtime.InteropServices;

namespace NetScope.Native;

/// <summary>Owns a struct bpf_object*; released with bpf_object__close.</summary>
public sealed class SafeBpfObjectHandle : SafeHandle
{
    /// <summary>Creates an invalid handle; the interop marshaller fills it.</summary>
    public SafeBpfObjectHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        Interop.bpf_object__close(handle);
        return true;
    }
}
