using System.Runtime.InteropServices;

namespace NetScope.Native;

/// <summary>Owns a region mapped with mmap(2); released with munmap(2) of the same length.</summary>
internal sealed class SafeMemoryMappingHandle : SafeHandle
{
    private readonly nuint _length;

    private SafeMemoryMappingHandle(nint address, nuint length)
        : base(Interop.MAP_FAILED, ownsHandle: true)
    {
        SetHandle(address);
        _length = length;
    }

    /// <inheritdoc/>
    public override bool IsInvalid => handle == Interop.MAP_FAILED || handle == 0;

    /// <summary>The first mapped byte; valid until the handle is released.</summary>
    public unsafe byte* Address => (byte*)handle;

    /// <summary>Maps <paramref name="length"/> bytes of <paramref name="fd"/> at <paramref name="offset"/> shared; throws naming <paramref name="what"/> on failure.</summary>
    public static SafeMemoryMappingHandle Map(int fd, long offset, nuint length, bool writable, string what, string objectName)
    {
        int protection = writable ? Interop.PROT_READ | Interop.PROT_WRITE : Interop.PROT_READ;
        nint address = Interop.mmap(0, length, protection, Interop.MAP_SHARED, fd, offset);
        if (address == Interop.MAP_FAILED)
        {
            throw BpfErrors.Create(Marshal.GetLastPInvokeError(), $"mmap {what}", objectName);
        }

        return new SafeMemoryMappingHandle(address, length);
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => Interop.munmap(handle, _length) == 0;
}
