using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    [LibraryImport(Libraries.Libc, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int mount(string source, string target, string filesystemtype, nuint mountflags, nint data);

    [LibraryImport(Libraries.Libc, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial uint if_nametoindex(string ifname);

    /// <summary>glibc: returns free heap memory to the kernel; 1 if any was released.</summary>
    [LibraryImport(Libraries.Libc)]
    internal static partial int malloc_trim(nuint pad);

    /// <summary>CLONE_NEWNET from include/uapi/linux/sched.h: setns(2) joins a network namespace.</summary>
    internal const int CLONE_NEWNET = 0x40000000;

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int setns(int fd, int nstype);
}
