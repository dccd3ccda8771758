using System.Runtime.InteropServices;

namespace NetScope.Native;

/// <summary>Owns a struct btf*; released with btf__free.</summary>
public sealed class SafeBtfHandle : SafeHandle
{
    /// <summary>Creates an invalid handle; the interop marshaller fills it.</summary>
    public SafeBtfHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        Interop.btf__free(handle);
        return true;
    }
}
