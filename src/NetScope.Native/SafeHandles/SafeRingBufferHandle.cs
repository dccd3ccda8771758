using System.Runtime.InteropServices;

namespace NetScope.Native;

/// <summary>Owns a struct ring_buffer*; released with ring_buffer__free.</summary>
public sealed class SafeRingBufferHandle : SafeHandle
{
    /// <summary>Creates an invalid handle; the interop marshaller fills it.</summary>
    public SafeRingBufferHandle()
        : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        Interop.ring_buffer__free(handle);
        return true;
    }
}
