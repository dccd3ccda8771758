using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetScope.Native;

/// <summary>
/// Receives records of one BPF_MAP_TYPE_RINGBUF through libbpf's ring_buffer API. libbpf calls the
/// handler once per record from inside <see cref="Poll"/>/<see cref="Consume"/> on the calling thread,
/// so a handler must be cheap and must not keep the span.
/// </summary>
public sealed unsafe class BpfRingBuffer : IDisposable
{
    /// <summary>Called with each record; the span is only valid during the call.</summary>
    public delegate void RecordHandler(ReadOnlySpan<byte> record);

    private readonly SafeRingBufferHandle _handle;
    private readonly RecordHandler _handler;
    private GCHandle _self;

    /// <summary>Creates a reader for <paramref name="map"/>, which must be a loaded ring buffer map.</summary>
    public BpfRingBuffer(BpfMap map, RecordHandler handler)
    {
        if (map.Type != BpfMapType.RingBuf)
        {
            throw new ArgumentException($"Map '{map.Name}' is {map.Type}, not a ring buffer.", nameof(map));
        }

        _handler = handler;
        _self = GCHandle.Alloc(this);
        SafeRingBufferHandle handle = Interop.ring_buffer__new(map.Fd, &OnSample, GCHandle.ToIntPtr(_self), null);
        if (handle.IsInvalid)
        {
            _self.Free();
        }

        _handle = BpfErrors.CheckHandle(handle, "ring_buffer__new", map.Name);
        Name = map.Name;
    }

    /// <summary>The ring buffer map's name.</summary>
    public string Name { get; }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for records and handles them; returns how many.</summary>
    public int Poll(int timeoutMs)
    {
        int result = Interop.ring_buffer__poll(_handle, timeoutMs);
        // EINTR: a signal arrived during epoll_wait; the caller simply polls again.
        return result == -4 ? 0 : BpfErrors.Check(result, "ring_buffer__poll", Name);
    }

    /// <summary>Handles every available record without waiting; returns how many.</summary>
    public int Consume() => BpfErrors.Check(Interop.ring_buffer__consume(_handle), "ring_buffer__consume", Name);

    /// <summary>Frees the reader (the map itself belongs to its object).</summary>
    public void Dispose()
    {
        _handle.Dispose();
        if (_self.IsAllocated)
        {
            _self.Free();
        }
    }

    [UnmanagedCallersOnly]
    private static int OnSample(nint context, void* data, nuint size)
    {
        try
        {
            var self = (BpfRingBuffer)GCHandle.FromIntPtr(context).Target!;
            self._handler(new ReadOnlySpan<byte>(data, checked((int)size)));
            return 0;
        }
        catch (Exception)
        {
            // An exception must not unwind through libbpf; a negative value stops this poll.
            return -Errno.EINVAL;
        }
    }
}
