using System.Numerics;

namespace NetScope.Agent.Aggregation;

/// <summary>
/// The kernel's latency slot layout (bpf/include/histogram.h), reproduced exactly: OpenTelemetry base-2
/// exponential buckets at scale 2 over microseconds. Slot 0 holds values ≤ 1 µs, slot 1 + i holds OTel
/// bucket i = (2^(i/4) µs, 2^((i+1)/4) µs], the last slot holds values above 2^26 µs.
/// </summary>
internal static class ExponentialBuckets
{
    /// <summary>NS_EXP_SCALE: the kernel's OTel scale.</summary>
    public const int Scale = 2;

    /// <summary>NS_EXP_BUCKETS: finite buckets 0..103.</summary>
    public const int Buckets = 104;

    /// <summary>NS_HIST_SLOTS: underflow + buckets + overflow.</summary>
    public const int Slots = Buckets + 2;

    /// <summary>
    /// ns_exp_upper_ns: floor(1000 · 2^((i+1)/4)) nanoseconds, computed exactly as the integer fourth
    /// root of 1000^4 · 2^(i+1). For an integer v, v ≤ 1000 · 2^(k/4) ⇔ v ≤ floor(1000 · 2^(k/4)).
    /// </summary>
    public static IReadOnlyList<ulong> UpperBoundsNs { get; } =
        Enumerable.Range(1, Buckets).Select(k => (ulong)IntegerFourthRoot(BigInteger.Pow(1000, 4) << k)).ToArray();

    /// <summary>The slot the kernel puts <paramref name="valueNs"/> in: ns_hist_slot finds it without branches, HistogramSlotTests checks the two agree.</summary>
    public static int SlotOf(ulong valueNs)
    {
        if (valueNs <= 1000)
        {
            return 0;
        }

        for (int i = 0; i < Buckets; i++)
        {
            if (valueNs <= UpperBoundsNs[i])
            {
                return i + 1;
            }
        }

        return Slots - 1;
    }

    /// <summary>
    /// Merges kernel slots into the buckets of a coarser OTel scale (0..2): bucket i at scale 2 belongs to
    /// bucket i >> (2 - scale), so counts move exactly, never split. Returns the finite upper bounds in
    /// seconds (the underflow slot's 1 µs first) and the non-cumulative counts, +Inf last.
    /// </summary>
    public static (double[] UpperBoundsSeconds, ulong[] Counts) Merge(ReadOnlySpan<ulong> slots, int scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, Scale);
        if (slots.Length != Slots)
        {
            throw new ArgumentException($"expected {Slots} slots, got {slots.Length}", nameof(slots));
        }

        int shift = Scale - scale;
        int merged = Buckets >> shift;
        double[] bounds = new double[merged + 1];
        ulong[] counts = new ulong[merged + 2];
        bounds[0] = 1e-6;
        counts[0] = slots[0];
        for (int j = 0; j < merged; j++)
        {
            // Upper bound of merged bucket j: 2^((j+1) / 2^scale) µs.
            bounds[j + 1] = Math.Pow(2, (j + 1) / (double)(1 << scale)) * 1e-6;
        }

        for (int i = 0; i < Buckets; i++)
        {
            counts[1 + (i >> shift)] += slots[1 + i];
        }

        counts[^1] = slots[^1];
        return (bounds, counts);
    }

    private static BigInteger IntegerFourthRoot(BigInteger value) => IntegerSquareRoot(IntegerSquareRoot(value));

    private static BigInteger IntegerSquareRoot(BigInteger value)
    {
        // Newton's method from above; floor(sqrt(floor(sqrt(x)))) == floor(x^(1/4)) for integers.
        if (value < 2)
        {
            return value;
        }

        BigInteger x = BigInteger.One << (int)((value.GetBitLength() + 1) / 2);
        while (true)
        {
            BigInteger y = (x + (value / x)) >> 1;
            if (y >= x)
            {
                return x;
            }

            x = y;
        }
    }
}
