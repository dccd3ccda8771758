namespace NetScope.Agent.Events;

/// <summary>
/// Chooses the kernel's event sampling shift (keep one event in 2^shift) from the rate of events offered
/// before sampling, so the rate kept stays within the budget. It raises at once (a flood must not fill
/// the ring) and lowers one step at a time, only when the lower shift would keep at most 3/4 of the
/// budget, so a rate near the budget does not flap. Pure.
/// </summary>
internal static class EventSampling
{
    /// <summary>The next shift for <paramref name="offeredPerSecond"/> events/s offered and a budget of <paramref name="budgetPerSecond"/>.</summary>
    public static int NextShift(int currentShift, double offeredPerSecond, double budgetPerSecond, int maxShift)
    {
        int needed = 0;
        while (needed < maxShift && offeredPerSecond / (1L << needed) > budgetPerSecond)
        {
            needed++;
        }

        if (needed >= currentShift)
        {
            return needed;
        }

        return offeredPerSecond / (1L << (currentShift - 1)) <= 0.75 * budgetPerSecond ? currentShift - 1 : currentShift;
    }

    /// <summary>The fraction of events kept at <paramref name="shift"/>.</summary>
    public static double Ratio(int shift) => 1.0 / (1L << shift);
}
