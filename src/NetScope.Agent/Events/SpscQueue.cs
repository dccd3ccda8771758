using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace NetScope.Agent.Events;

/// <summary>
/// A bounded, lock-free queue between exactly one producer thread and one consumer. The producer stages
/// items with <see cref="TryEnqueue"/> and makes a whole batch visible with <see cref="Publish"/> (one
/// fenced store per batch, not per item); it never waits: a full queue makes <see cref="TryEnqueue"/>
/// return false, and the caller counts the loss. The consumer takes items with <see cref="TryDequeue"/>
/// and sleeps in <see cref="WaitToReadAsync"/>, which allocates nothing. The capacity is exact; the slot
/// array is rounded up to a power of two so that a position maps to its slot with a mask.
/// </summary>
/// <remarks>
/// Positions only grow (64 bits do not wrap in practice). The producer owns the tail, the consumer owns the
/// head; each reads the other's value only when its cached copy says the queue looks full (producer) or
/// empty (consumer), so in steady state the two sides touch separate cache lines.
/// </remarks>
internal sealed class SpscQueue<T> : IValueTaskSource<bool>
    where T : unmanaged
{
    private readonly T[] _slots;
    private readonly long _mask;
    private readonly long _capacity;
    private SpscQueuePositions _positions;

    // WaitToReadAsync's reusable completion: set by the producer's wake-up, awaited by the consumer.
    private ManualResetValueTaskSourceCore<bool> _wakeUp;

    // 1 while the consumer has announced that it is about to sleep; whoever swaps it back to 0 owns the
    // wake-up (the producer completes _wakeUp, or the consumer cancels its own sleep).
    private int _consumerWaiting;
    private int _completed;

    public SpscQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _slots = new T[BitOperations.RoundUpToPowerOf2((uint)capacity)];
        _mask = _slots.Length - 1;
        // Continuations run on the thread pool: the producer is the ring reader, which must not run the consumer's code.
        _wakeUp.RunContinuationsAsynchronously = true;
    }

    /// <summary>How many items the queue holds at most.</summary>
    public int Capacity => (int)_capacity;

    /// <summary>Items the producer has enqueued since the queue was made (published or still staged); any thread may read it.</summary>
    public long Enqueued => Volatile.Read(ref _positions.ProducerTail);

    /// <summary>
    /// Producer: stages a copy of <paramref name="item"/>; false when the queue is full (nothing staged).
    /// The consumer sees it after the next <see cref="Publish"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnqueue(in T item)
    {
        ref SpscQueuePositions p = ref _positions;
        long tail = p.ProducerTail;
        if (tail - p.ProducerHeadCache >= _capacity)
        {
            // Acquire: pairs with the consumer's release of Head, so the slots below it have been read and
            // may be overwritten.
            p.ProducerHeadCache = Volatile.Read(ref p.Head);
            if (tail - p.ProducerHeadCache >= _capacity)
            {
                return false;
            }
        }

        // A block copy of the item's bytes, not a struct assignment: with the item read in place from the ring,
        // the JIT sometimes copies an assignment through a stack temporary (twice the stores); this is always
        // one unrolled copy (measured in bench/, BENCH=ring).
        Unsafe.CopyBlockUnaligned(
            ref Unsafe.As<T, byte>(ref Slot(tail)), ref Unsafe.As<T, byte>(ref Unsafe.AsRef(in item)), (uint)Unsafe.SizeOf<T>());
        p.ProducerTail = tail + 1;
        return true;
    }

    /// <summary>Producer: makes every staged item visible to the consumer and wakes it if it sleeps.</summary>
    public void Publish()
    {
        ref SpscQueuePositions p = ref _positions;
        if (p.ProducerTail == p.PublishedTail)
        {
            return;
        }

        // Release: the slot writes are visible no later than the tail that covers them. A full fence (xchg)
        // rather than a plain release store, because WakeConsumer then reads _consumerWaiting and that load
        // must not pass this store (see WaitToReadAsync).
        Interlocked.Exchange(ref p.PublishedTail, p.ProducerTail);
        WakeConsumer();
    }

    /// <summary>
    /// Producer (or anyone once the producer has stopped): publishes what is staged and marks the end, after
    /// which <see cref="WaitToReadAsync"/> returns false once the queue is drained.
    /// </summary>
    public void Complete()
    {
        Publish();
        // Full fence, for the same reason as in Publish.
        Interlocked.Exchange(ref _completed, 1);
        WakeConsumer();
    }

    /// <summary>Consumer: takes the oldest published item; false when there is none.</summary>
    public bool TryDequeue(out T item)
    {
        ref SpscQueuePositions p = ref _positions;
        long head = p.Head;
        if (head == p.ConsumerTailCache)
        {
            // Acquire: pairs with Publish, so the slots below the published tail hold their items.
            p.ConsumerTailCache = Volatile.Read(ref p.PublishedTail);
            if (head == p.ConsumerTailCache)
            {
                item = default;
                return false;
            }
        }

        item = Slot(head);

        // Release: the slot has been read before the producer can see it free and overwrite it.
        Volatile.Write(ref p.Head, head + 1);
        return true;
    }

    /// <summary>
    /// Consumer: completes when items are published (true) or the queue is completed and drained (false).
    /// One wait at a time. Allocation-free: the returned ValueTask is backed by this queue.
    /// </summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        if (ReadyOrDone(out bool more))
        {
            return new ValueTask<bool>(more);
        }

        _wakeUp.Reset();

        // Announce the sleep, then look again. Full fence (xchg): together with the fence in Publish this
        // is the classic store-then-load handshake: either this look sees the producer's new tail, or the
        // producer's look after publishing sees this flag and wakes the consumer. Never both missed.
        Interlocked.Exchange(ref _consumerWaiting, 1);
        if (ReadyOrDone(out more) && Interlocked.Exchange(ref _consumerWaiting, 0) == 1)
        {
            return new ValueTask<bool>(more);
        }

        // Either nothing is there, or the producer already swapped the flag and is completing _wakeUp.
        return new ValueTask<bool>(this, _wakeUp.Version);
    }

    bool IValueTaskSource<bool>.GetResult(short token)
    {
        _wakeUp.GetResult(token);
        ReadyOrDone(out bool more);
        return more;
    }

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wakeUp.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wakeUp.OnCompleted(continuation, state, token, flags);

    /// <summary>Consumer side: true when there is something to read (<paramref name="more"/>) or the queue is completed and drained.</summary>
    private bool ReadyOrDone(out bool more)
    {
        // Completion first: Complete publishes before it sets the flag, so a completed queue's tail is final.
        bool completed = Volatile.Read(ref _completed) == 1;
        more = Volatile.Read(ref _positions.PublishedTail) != _positions.Head;
        return more || completed;
    }

    private void WakeConsumer()
    {
        // The plain check first: while the consumer is busy, publishing costs no second locked instruction.
        if (Volatile.Read(ref _consumerWaiting) == 1 && Interlocked.Exchange(ref _consumerWaiting, 0) == 1)
        {
            _wakeUp.SetResult(true);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref T Slot(long position) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), (nint)(position & _mask));
}

/// <summary>
/// The positions of an <see cref="SpscQueue{T}"/>, 128 bytes apart (two cache lines, since CPUs also
/// prefetch the adjacent line): the producer writes its line on every item and the consumer its own, so
/// neither keeps stealing the other's. Not nested in the queue: a generic type cannot have an explicit layout.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 4 * Spacing)]
internal struct SpscQueuePositions
{
    private const int Spacing = 128;

    /// <summary>Producer only: where the next item goes (staged items included).</summary>
    [FieldOffset(Spacing)] public long ProducerTail;

    /// <summary>Producer only: the head as last read; the real head is never lower.</summary>
    [FieldOffset(Spacing + 8)] public long ProducerHeadCache;

    /// <summary>Written by the producer (Publish), read by the consumer: items below it are visible.</summary>
    [FieldOffset(2 * Spacing)] public long PublishedTail;

    /// <summary>Written by the consumer, read by the producer: the next item to take; slots below it are free.</summary>
    [FieldOffset(3 * Spacing)] public long Head;

    /// <summary>Consumer only: the published tail as last read; the real one is never lower.</summary>
    [FieldOffset(3 * Spacing + 8)] public long ConsumerTailCache;
}
