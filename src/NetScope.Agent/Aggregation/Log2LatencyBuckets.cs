namespace NetScope.Agent.Aggregation;

/// <summary>
/// The slot layout of bpf/include/histogram.h, reproduced exactly: slot 0 holds [0, 1 us],
/// slot i holds (2^(i-1) us, 2^i us] for i below <see cref="FiniteSlots"/>, the last slot is +Inf.
/// </summary>
internal static class Log2LatencyBuckets
{
    /// <summary>NS_HIST_FINITE_SLOTS.</summary>
    public const int FiniteSlots = 26;

    /// <summary>NS_HIST_SLOTS.</summary>
    public const int Slots = FiniteSlots + 1;

    /// <summary>Upper bound of a finite slot in nanoseconds (the kernel compares against this).</summary>
    public static ulong UpperBoundNs(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, FiniteSlots);
        return 1000UL << slot;
    }

    /// <summary>The slot the kernel puts <paramref name="valueNs"/> in (same comparisons as ns_hist_slot).</summary>
    public static int SlotOf(ulong valueNs)
    {
        for (int slot = 0; slot < FiniteSlots; slot++)
        {
            if (valueNs <= UpperBoundNs(slot))
            {
                return slot;
            }
        }

        return Slots - 1;
    }

    /// <summary>Finite upper bounds in seconds, for the Prometheus le labels.</summary>
    public static IReadOnlyList<double> UpperBoundsSeconds { get; } =
        Enumerable.Range(0, FiniteSlots).Select(slot => UpperBoundNs(slot) / 1e9).ToArray();
}
