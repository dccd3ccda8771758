using System.Runtime.CompilerServices;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Events;

/// <summary>
/// The last N events of one type, newest first on read, filled from a ring buffer pass by pass: during a
/// pass <see cref="Note"/> remembers only where each record is in the ring; at the end of the pass, while
/// the records are still there, <see cref="Flush"/> copies the newest N of them into a fixed array
/// overwritten in a circle. A burst of thousands of records then costs one pointer store each plus N copies,
/// instead of a copy of each record that the next one overwrites. Allocates nothing after construction.
/// </summary>
/// <remarks>
/// Not synchronized: one thread notes and flushes (the ring reader); its owner (<see cref="TcpEventIngest"/>)
/// serializes <see cref="Flush"/> with the readers of <see cref="Newest"/> and <see cref="Added"/>.
/// </remarks>
internal sealed unsafe class RecentEvents
{
    private readonly TcpEventRecord[] _slots;

    // The current pass's records, as pointers into the ring: a circle of N, so it holds the newest N noted.
    private readonly nint[] _noted;
    private int _nextNoted;
    private int _notedThisPass;

    // The slot the next kept event goes to (the oldest kept one once the array is full).
    private int _nextSlot;

    /// <param name="capacity">Events kept (events.keep); 0 keeps none and only counts.</param>
    public RecentEvents(int capacity)
    {
        _slots = new TcpEventRecord[capacity];
        _noted = new nint[capacity];
    }

    /// <summary>Events added since start (including those no longer kept), as of the last <see cref="Flush"/>.</summary>
    public long Added { get; private set; }

    /// <summary>
    /// Remembers a record of the current pass. <paramref name="record"/> must stay readable (in the ring,
    /// not yet handed back) until the pass's <see cref="Flush"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Note(ref readonly TcpEventRecord record)
    {
        nint[] noted = _noted;
        int next = _nextNoted;
        if ((uint)next < (uint)noted.Length)
        {
            noted[next] = (nint)Unsafe.AsPointer(ref Unsafe.AsRef(in record));
            _nextNoted = next + 1 == noted.Length ? 0 : next + 1;
        }

        _notedThisPass++;
    }

    /// <summary>Ends the pass: copies the newest of its noted records (oldest of them first) into the kept events.</summary>
    public void Flush()
    {
        int copies = Math.Min(_notedThisPass, _noted.Length);
        int noted = _nextNoted - copies;
        if (noted < 0)
        {
            noted += _noted.Length;
        }

        for (int i = 0; i < copies; i++)
        {
            // A block copy: a struct assignment here was seen compiled through a stack temporary (bench/NOTES.md).
            Unsafe.CopyBlockUnaligned(ref Unsafe.As<TcpEventRecord, byte>(ref _slots[_nextSlot]), ref *(byte*)_noted[noted], (uint)sizeof(TcpEventRecord));
            _nextSlot = _nextSlot + 1 == _slots.Length ? 0 : _nextSlot + 1;
            noted = noted + 1 == _noted.Length ? 0 : noted + 1;
        }

        Added += _notedThisPass;
        _notedThisPass = 0;
    }

    /// <summary>Up to <paramref name="limit"/> kept events, newest first.</summary>
    public List<TcpEventRecord> Newest(int limit)
    {
        int count = (int)Math.Min(Math.Min(Added, _slots.Length), limit);
        var result = new List<TcpEventRecord>(count);
        int slot = _nextSlot;
        for (int i = 0; i < count; i++)
        {
            slot = (slot == 0 ? _slots.Length : slot) - 1;
            result.Add(_slots[slot]);
        }

        return result;
    }
}
