namespace NetScope.Native;

/// <summary>
/// Receives the records of a <see cref="BpfRingBuffer"/> on the reading thread. Readers take it as a
/// generic argument passed by reference, so a struct handler is called directly (and inlined) instead of
/// through a delegate per record, and its fields may carry state across records.
/// </summary>
public interface IRingBufferHandler
{
    /// <summary>
    /// One committed record, in place in the ring's shared memory: valid until <see cref="OnBatchEnd"/> of the
    /// same pass returns (the space goes back to the kernel right after, and the kernel may then overwrite it),
    /// so copy what must be kept by then. Must not throw: an exception leaves the pass with its space not handed
    /// back, so the same records come again on the next call.
    /// </summary>
    void OnRecord(ReadOnlySpan<byte> record);

    /// <summary>
    /// Called at the end of each pass over the records available, just before their space is handed back to
    /// the kernel: the moment to copy out what the pass's records must leave behind and publish it (batched, not
    /// per record). It ends every pass, including one cut short by a corrupt record.
    /// </summary>
    void OnBatchEnd();
}
