using System.Numerics;

namespace NetScope.Native;

/// <summary>
/// Walks the records of one BPF ring buffer laid out as the kernel shares it (kernel/bpf/ringbuf.c, and
/// libbpf's ringbuf.c on the reading side): an 8-byte consumer position that only the reader writes, an
/// 8-byte producer position that only the kernel writes, and a data area of 2^n bytes that is mapped
/// twice in a row, so a record wrapping past the end reads as one contiguous span. A record is an 8-byte
/// header (u32 length with bit 31 BUSY = reserved but not committed yet and bit 30 DISCARD = committed
/// but dropped by the program; u32 page offset, kernel-internal) followed by the data, padded to 8 bytes.
/// Positions only grow; a record's offset is position &amp; (size - 1). Only pointers: the unit tests run
/// it on ordinary memory laid out the same way.
/// </summary>
internal readonly unsafe struct RingBufferWalker
{
    /// <summary>BPF_RINGBUF_BUSY_BIT.</summary>
    public const uint BusyBit = 1u << 31;

    /// <summary>BPF_RINGBUF_DISCARD_BIT.</summary>
    public const uint DiscardBit = 1u << 30;

    /// <summary>BPF_RINGBUF_HDR_SZ.</summary>
    public const int HeaderSize = 8;

    private readonly ulong* _consumerPosition;
    private readonly ulong* _producerPosition;
    private readonly byte* _data;
    private readonly ulong _mask;
    private readonly string _ringName;

    /// <param name="consumerPosition">The consumer position (the reader's, read-write).</param>
    /// <param name="producerPosition">The producer position (the kernel's, read-only to the reader).</param>
    /// <param name="data">The data area, <paramref name="size"/> bytes mapped twice in a row.</param>
    /// <param name="size">The ring's data size: a power of two.</param>
    /// <param name="ringName">Names the ring in errors.</param>
    public RingBufferWalker(ulong* consumerPosition, ulong* producerPosition, byte* data, ulong size, string ringName)
    {
        if (!BitOperations.IsPow2(size) || size < HeaderSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"Ring buffer '{ringName}': the data size must be a power of two.");
        }

        _consumerPosition = consumerPosition;
        _producerPosition = producerPosition;
        _data = data;
        _mask = size - 1;
        _ringName = ringName;
    }

    /// <summary>
    /// Hands every committed record available to <paramref name="handler"/>, oldest first, skipping
    /// discarded ones, and stops at the first record still BUSY (records after it may be committed already,
    /// but space goes back to the kernel in order, so they wait their turn). Each pass ends with
    /// <see cref="IRingBufferHandler.OnBatchEnd"/>, then its space is handed back (one consumer position release
    /// per pass, not per record), so a handler may read a pass's records until then; passes repeat while the producer
    /// moved on, up to one ring's worth of bytes per call so a steady stream cannot keep the caller here
    /// forever. Returns how many records were handed over. A record whose length cannot fit the ring (the
    /// mapping does not match the map) ends its pass normally, then throws <see cref="BpfException"/>. One
    /// thread at a time.
    /// </summary>
    public int Consume<THandler>(ref THandler handler)
        where THandler : IRingBufferHandler
    {
        // Only this reader writes the consumer position, so its last value is simply read back.
        ulong consumer = Volatile.Read(ref *_consumerPosition);
        ulong start = consumer;
        int handed = 0;
        while (true)
        {
            // Acquire: pairs with the kernel's smp_store_release of producer_pos when it reserves a record,
            // so every header below this position is at least the reserved one (BUSY until committed).
            ulong producer = Volatile.Read(ref *_producerPosition);
            if (consumer >= producer)
            {
                return handed;
            }

            bool busy = false;
            uint corruptSize = 0;
            do
            {
                byte* header = _data + (consumer & _mask);

                // Acquire: pairs with the xchg of the length that commits the record (bpf_ringbuf_commit),
                // so the record's bytes read by the handler are the committed ones.
                uint length = Volatile.Read(ref *(uint*)header);
                if ((length & BusyBit) != 0)
                {
                    busy = true;
                    break;
                }

                uint size = length & ~(BusyBit | DiscardBit);
                if (size > _mask + 1 - HeaderSize)
                {
                    // Not thrown here: the pass ends like any other first (OnBatchEnd runs and what was handed over
                    // is released, so a handler holding something for the pass lets go of it).
                    corruptSize = size;
                    break;
                }

                consumer += (size + HeaderSize + 7) & ~7UL;
                if ((length & DiscardBit) == 0)
                {
                    handler.OnRecord(new ReadOnlySpan<byte>(header + HeaderSize, (int)size));
                    handed++;
                }
            }
            while (consumer < producer);

            // The pass ends before its space goes back: the handler may still read the pass's records here
            // (e.g. copy out only the ones it keeps, once it knows which).
            handler.OnBatchEnd();

            // Hands the pass's space back to the kernel. Release: the handler's reads of the records happen
            // before the kernel may overwrite them. A full fence (xchg), not just a release store: before the
            // reader re-reads the producer position (and, finding nothing, sleeps in epoll), the kernel must
            // be able to see this position, because it wakes the reader only when a newly committed record
            // sits exactly at the consumer position (bpf_ringbuf_commit). With a plain store, x86 may let the
            // producer load pass the buffered store and both sides miss each other: the reader, waiting without a
            // timeout, would sleep until some later record happened to wake it.
            Interlocked.Exchange(ref *_consumerPosition, consumer);
            if (corruptSize != 0)
            {
                throw Corrupt(consumer, corruptSize);
            }

            if (busy || consumer - start > _mask)
            {
                return handed;
            }
        }
    }

    private BpfException Corrupt(ulong position, uint size) =>
        new(Errno.EINVAL, "ring buffer read", _ringName,
            $"Ring buffer '{_ringName}': the record at position {position} claims {size} bytes, more than the {_mask + 1}-byte ring holds (the mapping does not match the map)");
}
