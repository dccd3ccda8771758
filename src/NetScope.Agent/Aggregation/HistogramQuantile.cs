namespace NetScope.Agent.Aggregation;

/// <summary>
/// Quantiles from bucket counts. The answer is the upper bound of the bucket in which the quantile's
/// rank falls, not an interpolation: it is a value the data is guaranteed not to exceed at that rank
/// ("p99 ≤ x"), it is exact for the bucket layout, and with the kernel's buckets (ratio 2^(1/4) ≈ 1.19)
/// it overstates by at most 19 %. Interpolating inside a bucket would invent a precision we do not have.
/// </summary>
internal static class HistogramQuantile
{
    private static readonly double[] s_slotBoundsSeconds = BuildSlotBounds();

    /// <summary>
    /// The upper bound of the bucket holding the <paramref name="quantile"/> (0 &lt; q ≤ 1), or null when
    /// the histogram is empty. <paramref name="counts"/> are non-cumulative with one bucket per bound in
    /// <paramref name="upperBounds"/> plus a last +Inf bucket; a quantile in +Inf returns the largest
    /// finite bound (as Prometheus' histogram_quantile does), i.e. "at least this".
    /// </summary>
    public static double? UpperBound(ReadOnlySpan<ulong> counts, ReadOnlySpan<double> upperBounds, double quantile)
    {
        if (counts.Length != upperBounds.Length + 1)
        {
            throw new ArgumentException($"expected {upperBounds.Length + 1} counts (bounds + Inf), got {counts.Length}", nameof(counts));
        }

        if (!(quantile > 0 && quantile <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "quantile must be in (0, 1]");
        }

        ulong total = 0;
        foreach (ulong c in counts)
        {
            total += c;
        }

        if (total == 0)
        {
            return null;
        }

        // Rank of the quantile among the sorted observations (1-based, nearest-rank definition).
        // The small epsilon keeps binary rounding (0.99 * 100 = 99.00000000000001) from skipping a rank.
        ulong rank = Math.Max(1, (ulong)Math.Ceiling((quantile * total) - 1e-9));
        ulong seen = 0;
        for (int i = 0; i < upperBounds.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return upperBounds[i];
            }
        }

        return upperBounds.IsEmpty ? null : upperBounds[^1];
    }

    /// <summary>The quantile of kernel slots (scale 2), in seconds; null when empty.</summary>
    public static double? OfSlots(ReadOnlySpan<ulong> slots, double quantile) =>
        UpperBound(slots, s_slotBoundsSeconds, quantile);

    private static double[] BuildSlotBounds()
    {
        // Same bounds as ExponentialBuckets.Merge at the kernel's own scale (slot 0: ≤ 1 µs).
        (double[] bounds, _) = ExponentialBuckets.Merge(new ulong[ExponentialBuckets.Slots], ExponentialBuckets.Scale);
        return bounds;
    }
}
