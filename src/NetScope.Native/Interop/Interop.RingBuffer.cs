using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    /// <summary>libbpf's ring_buffer_sample_fn: int (*)(void *ctx, void *data, size_t size).</summary>
    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial SafeRingBufferHandle ring_buffer__new(
        int map_fd, delegate* unmanaged<nint, void*, nuint, int> sample_cb, nint ctx, void* opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial int ring_buffer__poll(SafeRingBufferHandle rb, int timeout_ms);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial int ring_buffer__consume(SafeRingBufferHandle rb);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial int ring_buffer__epoll_fd(SafeRingBufferHandle rb);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial void ring_buffer__free(nint rb);
}
