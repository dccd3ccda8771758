using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    // From include/uapi/linux/eventpoll.h
    internal const int EPOLL_CLOEXEC = 0x80000; // O_CLOEXEC
    internal const int EPOLL_CTL_ADD = 1;
    internal const uint EPOLLIN = 0x001;

    /// <summary>
    /// struct epoll_event: u32 events, then a u64 of caller data, packed to 12 bytes on x86-64 and padded
    /// to 16 elsewhere. The agent never uses the data (one fd per epoll instance), so only events is
    /// declared and the size covers both layouts.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 16)]
    internal struct epoll_event
    {
        [FieldOffset(0)] public uint events;
    }

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int epoll_create1(int flags);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial int epoll_ctl(int epfd, int op, int fd, epoll_event* @event);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial int epoll_wait(int epfd, epoll_event* events, int maxevents, int timeout);
}
