using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NetScope.Native;

/// <summary>
/// Reads one BPF_MAP_TYPE_RINGBUF directly from its shared memory, as libbpf's ring_buffer does but
/// without a native-to-managed callback per record: the consumer page is mapped read-write, the producer
/// page and the data area (which the kernel maps twice in a row) read-only, and an epoll instance on the
/// map fd waits for data (or for <see cref="Wake"/>). Records reach an <see cref="IRingBufferHandler"/> as spans over that memory,
/// never copied. One reading thread at a time; dispose only after it stopped.
/// </summary>
public sealed unsafe class BpfRingBuffer : IDisposable
{
    private readonly SafeMemoryMappingHandle _consumerPage;
    private readonly SafeMemoryMappingHandle _producerAndData;
    private readonly SafeFileHandle _epoll;
    private readonly SafeFileHandle _wake;
    private readonly RingBufferWalker _walker;

    /// <summary>Maps <paramref name="map"/>, which must be a loaded ring buffer map.</summary>
    public BpfRingBuffer(BpfMap map)
    {
        Name = map.Name;
        int fd = map.Fd;
        Size = ReadDataSize(fd, Name);
        nuint page = (nuint)Environment.SystemPageSize;
        SafeMemoryMappingHandle? consumerPage = null, producerAndData = null;
        SafeFileHandle? epoll = null, wake = null;
        try
        {
            // The kernel allows exactly one writable page, the consumer's, at offset 0; the producer page and
            // the data follow it read-only, the data twice (kernel/bpf/ringbuf.c, ringbuf_map_mmap_kern).
            consumerPage = SafeMemoryMappingHandle.Map(fd, 0, page, writable: true, "consumer page", Name);
            producerAndData = SafeMemoryMappingHandle.Map(fd, (long)page, page + 2 * (nuint)Size, writable: false, "producer page and data", Name);
            epoll = new SafeFileHandle(BpfErrors.CheckErrno(Interop.epoll_create1(Interop.EPOLL_CLOEXEC), "epoll_create1", Name), ownsHandle: true);
            var interest = new Interop.epoll_event { events = Interop.EPOLLIN };
            BpfErrors.CheckErrno(Interop.epoll_ctl((int)epoll.DangerousGetHandle(), Interop.EPOLL_CTL_ADD, fd, &interest), "epoll_ctl", Name);
            // An eventfd in the same epoll set lets Wake end a wait at once, so a reader can wait without a
            // timeout (no periodic wake-ups) and still stop promptly.
            wake = new SafeFileHandle(BpfErrors.CheckErrno(Interop.eventfd(0, Interop.EFD_CLOEXEC | Interop.EFD_NONBLOCK), "eventfd", Name), ownsHandle: true);
            BpfErrors.CheckErrno(Interop.epoll_ctl((int)epoll.DangerousGetHandle(), Interop.EPOLL_CTL_ADD, (int)wake.DangerousGetHandle(), &interest), "epoll_ctl", Name);
        }
        catch
        {
            wake?.Dispose();
            epoll?.Dispose();
            producerAndData?.Dispose();
            consumerPage?.Dispose();
            throw;
        }

        _consumerPage = consumerPage;
        _producerAndData = producerAndData;
        _epoll = epoll;
        _wake = wake;
        _walker = new RingBufferWalker(
            (ulong*)consumerPage.Address, (ulong*)producerAndData.Address, producerAndData.Address + page, (ulong)Size, Name);
    }

    /// <summary>The ring buffer map's name.</summary>
    public string Name { get; }

    /// <summary>The data area's size in bytes (the map's max_entries as the kernel created it).</summary>
    public long Size { get; }

    /// <summary>
    /// Hands every committed record available now to <paramref name="handler"/>, oldest first, on the calling
    /// thread without waiting: passes over the ring until it is empty, a record is still being written, or
    /// one ring's worth was read; the space goes back to the kernel and the handler's batch ends after each
    /// pass. Returns how many records were handed over.
    /// </summary>
    public int Consume<THandler>(ref THandler handler)
        where THandler : IRingBufferHandler
    {
        // The references keep a concurrent Dispose from unmapping the memory under the walk; one pair per
        // call, not per record.
        bool consumerAdded = false, dataAdded = false;
        try
        {
            _consumerPage.DangerousAddRef(ref consumerAdded);
            _producerAndData.DangerousAddRef(ref dataAdded);
            return _walker.Consume(ref handler);
        }
        finally
        {
            if (dataAdded)
            {
                _producerAndData.DangerousRelease();
            }

            if (consumerAdded)
            {
                _consumerPage.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> (-1: no limit) for the kernel to report data (epoll on the
    /// map fd, as ring_buffer__poll does); false on timeout or when a signal interrupted the wait. Once
    /// <see cref="Wake"/> was called, it returns true at once, every time.
    /// </summary>
    public bool WaitForData(int timeoutMs)
    {
        Interop.epoll_event ready;
        bool added = false;
        try
        {
            _epoll.DangerousAddRef(ref added);
            int result = Interop.epoll_wait((int)_epoll.DangerousGetHandle(), &ready, 1, timeoutMs);
            if (result < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR)
            {
                return false;
            }

            return BpfErrors.CheckErrno(result, "epoll_wait", Name) > 0;
        }
        finally
        {
            if (added)
            {
                _epoll.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Ends the current <see cref="WaitForData"/> and every later one at once (for stopping the reader;
    /// there is no way back). Any thread may call it.
    /// </summary>
    public void Wake()
    {
        ulong one = 1;
        bool added = false;
        try
        {
            _wake.DangerousAddRef(ref added);
            BpfErrors.CheckErrno((int)Interop.write((int)_wake.DangerousGetHandle(), &one, sizeof(ulong)), "write eventfd", Name);
        }
        finally
        {
            if (added)
            {
                _wake.DangerousRelease();
            }
        }
    }

    /// <summary>Unmaps the ring and closes the epoll instance (the map itself belongs to its object).</summary>
    public void Dispose()
    {
        _epoll.Dispose();
        _wake.Dispose();
        _producerAndData.Dispose();
        _consumerPage.Dispose();
    }

    /// <summary>The data size as the kernel sees the map, like libbpf's ring_buffer__add (not the object's declared size).</summary>
    private static long ReadDataSize(int fd, string name)
    {
        Interop.bpf_map_info info = default;
        uint length = (uint)sizeof(Interop.bpf_map_info);
        BpfErrors.Check(Interop.bpf_obj_get_info_by_fd(fd, &info, &length), "bpf_obj_get_info_by_fd", name);
        if (info.type != (uint)BpfMapType.RingBuf)
        {
            throw new ArgumentException($"Map '{name}' is {(BpfMapType)info.type}, not a ring buffer.");
        }

        return info.max_entries;
    }
}
