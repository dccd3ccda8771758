using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    // PROT_* and MAP_* from include/uapi/asm-generic/mman-common.h and mman.h
    internal const int PROT_READ = 0x1;
    internal const int PROT_WRITE = 0x2;
    internal const int MAP_SHARED = 0x01;

    /// <summary>What mmap(2) returns on failure ((void *)-1), errno set.</summary>
    internal static readonly nint MAP_FAILED = -1;

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial nint mmap(nint addr, nuint length, int prot, int flags, int fd, long offset);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int munmap(nint addr, nuint length);
}
