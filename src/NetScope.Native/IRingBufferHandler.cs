namespace NetScope.Native;

/// <summary>
/// Receives the records of a <see cref="BpfRingBuffer"/> on the reading thread. Readers take it as a
/// generic argument passed by reference, so a struct handler is called directly (and inlined) instead of
/// through a delegate per record, and its fields may carry state across records.
/// </summary>
public interface IRingBufferHandler
{
    /// <summary>
    /// One committed record, in place in the ring's shared memory: valid only during the call (the kernel
    /// may reuse the space once the reader moves on), so copy what must be kept. Must not throw: an exception
    /// leaves the pass with its space not handed back, so the same records come again on the next call.
    /// </summary>
    void OnRecord(ReadOnlySpan<byte> record);

    /// <summary>
    /// Called after each pass over the records available, once their space has been handed back to the
    /// kernel: the moment to publish what the pass produced (batched, not per record).
    /// </summary>
    void OnBatchEnd();
}
