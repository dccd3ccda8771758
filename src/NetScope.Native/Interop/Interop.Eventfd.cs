using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    // From include/uapi/linux/eventfd.h
    internal const int EFD_CLOEXEC = 0x80000;  // O_CLOEXEC
    internal const int EFD_NONBLOCK = 0x800;   // O_NONBLOCK

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int eventfd(uint initval, int flags);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial nint write(int fd, void* buf, nuint count);
}
