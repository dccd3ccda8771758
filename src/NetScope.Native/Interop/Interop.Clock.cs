using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    // clockid_t values from include/uapi/linux/time.h
    internal const int CLOCK_MONOTONIC = 1;

    /// <summary>struct timespec on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long tv_sec;
        public long tv_nsec;
    }

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial int clock_gettime(int clockid, Timespec* tp);
}
