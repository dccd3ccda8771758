using System.Runtime.InteropServices;
using NetScope.Native;

namespace NetScope.Native.Tests;

/// <summary>The record walk of <see cref="BpfRingBuffer"/> on an ordinary-memory ring laid out like the kernel's.</summary>
public sealed unsafe class RingBufferWalkerTests : IDisposable
{
    private const int Size = 256;
    private readonly InMemoryRing _ring = new(Size);

    public void Dispose() => _ring.Dispose();

    [Fact]
    public void AnEmptyRingHandsNothingAndLeavesThePositionAlone()
    {
        var handler = new RecordingHandler();
        Assert.Equal(0, _ring.Walker.Consume(ref handler));
        Assert.Empty(handler.Records);
        Assert.Equal(0, handler.Batches);
        Assert.Equal(0UL, _ring.ConsumerPosition);
    }

    [Fact]
    public void RecordsArriveInOrderWithTheirLengthsAndThePositionAdvancesPastThePadding()
    {
        _ring.Append([1]);
        _ring.Append([2, 2, 2, 2, 2, 2, 2]);
        _ring.Append([3, 3, 3, 3, 3, 3, 3, 3]);
        _ring.Append(Enumerable.Repeat((byte)4, 13).ToArray());

        var handler = new RecordingHandler();
        Assert.Equal(4, _ring.Walker.Consume(ref handler));

        Assert.Equal([1, 7, 8, 13], handler.Records.Select(r => r.Length));
        Assert.All(handler.Records.Select((r, i) => (r, i)), x => Assert.All(x.r, b => Assert.Equal(x.i + 1, b)));
        // 8-byte header + data, rounded up to 8: 16 + 16 + 16 + 24.
        Assert.Equal(72UL, _ring.ConsumerPosition);
        Assert.Equal(1, handler.Batches);
    }

    [Fact]
    public void ABusyRecordStopsTheWalkUntilItIsCommitted()
    {
        _ring.Append([1]);
        ulong busyAt = _ring.Append([2], busy: true);
        _ring.Append([3]);

        var handler = new RecordingHandler();
        Assert.Equal(1, _ring.Walker.Consume(ref handler));
        Assert.Equal(busyAt, _ring.ConsumerPosition);
        Assert.Equal(1, handler.Batches);

        _ring.Commit(busyAt);
        Assert.Equal(2, _ring.Walker.Consume(ref handler));
        Assert.Equal([1, 2, 3], handler.Records.Select(r => r[0]));
        Assert.Equal(_ring.ProducerPosition, _ring.ConsumerPosition);
    }

    [Fact]
    public void ABusyFirstRecordHandsNothingAndKeepsThePosition()
    {
        _ring.Append([1], busy: true);
        var handler = new RecordingHandler();
        Assert.Equal(0, _ring.Walker.Consume(ref handler));
        Assert.Equal(0UL, _ring.ConsumerPosition);
    }

    [Fact]
    public void DiscardedRecordsAreSkippedButTheirSpaceIsConsumed()
    {
        _ring.Append([1]);
        _ring.Append([2, 2, 2, 2, 2, 2, 2, 2, 2], discarded: true);
        _ring.Append([3]);
        _ring.Append([4], discarded: true);

        var handler = new RecordingHandler();
        Assert.Equal(2, _ring.Walker.Consume(ref handler));
        Assert.Equal([1, 3], handler.Records.Select(r => r[0]));
        Assert.Equal(_ring.ProducerPosition, _ring.ConsumerPosition);
        Assert.Equal(16UL + 24 + 16 + 16, _ring.ConsumerPosition);
    }

    [Fact]
    public void ARecordWrappingPastTheEndReadsAsOneSpanThroughTheSecondMapping()
    {
        // Fill and drain up to 8 bytes before the end, so the next record has its header there and its data past the end.
        _ring.Append(new byte[Size - 16]);
        var handler = new RecordingHandler();
        _ring.Walker.Consume(ref handler);
        Assert.Equal((ulong)(Size - 8), _ring.ConsumerPosition);

        byte[] wrapping = Enumerable.Range(1, 40).Select(i => (byte)i).ToArray();
        _ring.Append(wrapping);
        Assert.Equal(1, _ring.Walker.Consume(ref handler));
        Assert.Equal(wrapping, handler.Records[^1]);
        Assert.Equal((ulong)(Size - 8 + 48), _ring.ConsumerPosition);
    }

    [Fact]
    public void RecordsCommittedDuringAPassAreTakenInANextPassOfTheSameCall()
    {
        _ring.Append([1]);
        var handler = new RecordingHandler { OnFirstRecord = () => _ring.Append([2]) };
        Assert.Equal(2, _ring.Walker.Consume(ref handler));
        Assert.Equal(2, handler.Batches);
        Assert.Equal(_ring.ProducerPosition, _ring.ConsumerPosition);
    }

    [Fact]
    public void OneCallReadsAtMostAboutOneRingSoAStreamCannotHoldTheCallerForever()
    {
        // The handler appends a record for each one it receives: the producer never stops.
        _ring.Append([0]);
        var handler = new RecordingHandler();
        handler.OnEveryRecord = () =>
        {
            if (_ring.ProducerPosition - _ring.ConsumerPosition < Size / 2)
            {
                _ring.Append([0]);
            }
        };
        int handed = _ring.Walker.Consume(ref handler);
        Assert.InRange(handed, 1, (Size / 16) + (Size / 16));
        Assert.True(_ring.ConsumerPosition <= (ulong)(2 * Size), $"consumed {_ring.ConsumerPosition} bytes in one call");
    }

    [Fact]
    public void ALengthLargerThanTheRingIsReportedNamingTheRing()
    {
        _ring.AppendRawHeader(Size + 1);
        var handler = new RecordingHandler();
        BpfException ex = Assert.Throws<BpfException>(() => _ring.Walker.Consume(ref handler));
        Assert.Equal("test_ring", ex.ObjectName);
        Assert.Contains("test_ring", ex.Message);
        Assert.Contains("claims", ex.Message);
    }

    [Fact]
    public void APassEndsBeforeItsSpaceGoesBackSoTheHandlerCanStillReadItsRecords()
    {
        _ring.Append([1]);
        _ring.Append([2]);
        var handler = new RecordingHandler();
        ulong positionAtBatchEnd = ulong.MaxValue;
        handler.OnEveryBatch = () => positionAtBatchEnd = _ring.ConsumerPosition;
        Assert.Equal(2, _ring.Walker.Consume(ref handler));
        Assert.Equal(0UL, positionAtBatchEnd);
        Assert.Equal(_ring.ProducerPosition, _ring.ConsumerPosition);
    }

    [Fact]
    public void ACorruptRecordEndsThePassCleanlyBeforeItIsReported()
    {
        // Records before the corrupt one are handed over and released, and the pass ends (OnBatchEnd) before
        // the throw, so a handler that holds something for the length of a pass always lets go of it.
        _ring.Append([1]);
        ulong corruptAt = _ring.AppendRawHeader(Size + 1);
        var handler = new RecordingHandler();
        Assert.Throws<BpfException>(() => _ring.Walker.Consume(ref handler));
        Assert.Equal([1], handler.Records.Select(r => r[0]));
        Assert.Equal(1, handler.Batches);
        Assert.Equal(corruptAt, _ring.ConsumerPosition);
    }

    [Fact]
    public void ASizeThatIsNotAPowerOfTwoIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RingBufferWalker(null, null, null, 24, "odd"));

    /// <summary>Copies every record (the span itself is only valid until the pass ends).</summary>
    private struct RecordingHandler : IRingBufferHandler
    {
        public RecordingHandler()
        {
        }

        public List<byte[]> Records { get; } = [];

        public int Batches { get; private set; }

        public Action? OnFirstRecord { get; set; }

        public Action? OnEveryRecord { get; set; }

        public Action? OnEveryBatch { get; set; }

        public void OnRecord(ReadOnlySpan<byte> record)
        {
            Records.Add(record.ToArray());
            if (Records.Count == 1)
            {
                OnFirstRecord?.Invoke();
            }

            OnEveryRecord?.Invoke();
        }

        public void OnBatchEnd()
        {
            Batches++;
            OnEveryBatch?.Invoke();
        }
    }

    /// <summary>
    /// The kernel's layout in native memory: two positions and a data area followed by a copy of itself,
    /// standing in for the second mapping of the same pages. Writes go to both copies.
    /// </summary>
    private sealed class InMemoryRing : IDisposable
    {
        private readonly ulong* _consumer;
        private readonly ulong* _producer;
        private readonly byte* _data;
        private readonly int _size;

        public InMemoryRing(int size)
        {
            _size = size;
            _consumer = (ulong*)NativeMemory.AllocZeroed(8);
            _producer = (ulong*)NativeMemory.AllocZeroed(8);
            _data = (byte*)NativeMemory.AllocZeroed((nuint)(2 * size));
            Walker = new RingBufferWalker(_consumer, _producer, _data, (ulong)size, "test_ring");
        }

        public RingBufferWalker Walker { get; }

        public ulong ConsumerPosition => *_consumer;

        public ulong ProducerPosition => *_producer;

        /// <summary>Reserves and writes a record at the producer position, as bpf_ringbuf_reserve/submit/discard do; returns its position.</summary>
        public ulong Append(byte[] record, bool busy = false, bool discarded = false)
        {
            ulong at = *_producer;
            uint length = (uint)record.Length | (busy ? RingBufferWalker.BusyBit : 0) | (discarded ? RingBufferWalker.DiscardBit : 0);
            Write(at, BitConverter.GetBytes(length));
            Write(at + 4, BitConverter.GetBytes(0u)); // page offset: kernel-internal
            Write(at + RingBufferWalker.HeaderSize, record);
            *_producer = at + (((ulong)record.Length + RingBufferWalker.HeaderSize + 7) & ~7UL);
            return at;
        }

        /// <summary>A header claiming <paramref name="length"/> bytes, without writing them; returns its position.</summary>
        public ulong AppendRawHeader(uint length)
        {
            ulong at = *_producer;
            Write(at, BitConverter.GetBytes(length));
            *_producer += RingBufferWalker.HeaderSize;
            return at;
        }

        /// <summary>Clears the BUSY bit of the record at <paramref name="at"/> (bpf_ringbuf_submit).</summary>
        public void Commit(ulong at)
        {
            uint length = *(uint*)(_data + (at % (ulong)_size)) & ~RingBufferWalker.BusyBit;
            Write(at, BitConverter.GetBytes(length));
        }

        public void Dispose()
        {
            NativeMemory.Free(_consumer);
            NativeMemory.Free(_producer);
            NativeMemory.Free(_data);
        }

        private void Write(ulong position, byte[] bytes)
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                ulong offset = (position + (ulong)i) % (ulong)_size;
                _data[offset] = bytes[i];
                _data[offset + (ulong)_size] = bytes[i];
            }
        }
    }
}
