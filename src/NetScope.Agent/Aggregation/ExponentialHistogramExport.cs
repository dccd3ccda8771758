using NetScope.Exporters.Abstractions;

namespace NetScope.Agent.Aggregation;

/// <summary>
/// Lays the kernel's slots (<see cref="ExponentialBuckets"/>) out as an OpenTelemetry exponential histogram in
/// microseconds, without rescaling: scale 2, kernel bucket i = OTel bucket index i, so a receiver gets the
/// kernel's counts bucket for bucket.
/// <list type="bullet">
/// <item>Slot 0 (≤ 1 µs) is the zero bucket, zero_threshold 1 µs: OTel's zero bucket is [0, zero_threshold].</item>
/// <item>Slots 1..104 are positive buckets 0..103, (2^(i/4), 2^((i+1)/4)] µs.</item>
/// <item>The overflow slot (> 2^26 µs, 67 s) is bucket 104, the one just above the kernel's range: its lower bound
///   is right, its upper bound (2^26.25 µs) is not a real limit. Counting it there keeps count = zero_count +
///   Σ buckets and puts it in Prometheus' +Inf bucket position when merged to a coarser scale.</item>
/// </list>
/// Leading and trailing empty buckets are left out (offset = first non-empty bucket), as OTel SDKs do.
/// </summary>
internal static class ExponentialHistogramExport
{
    /// <summary>Values ≤ this (µs) are in the zero bucket: the kernel's slot 0.</summary>
    public const double ZeroThresholdMicroseconds = 1.0;

    /// <summary>The OTel bucket index of the overflow slot.</summary>
    public const int OverflowIndex = ExponentialBuckets.Buckets;

    public static ExponentialHistogramSeries FromSlots(IReadOnlyList<KeyValuePair<string, string>> attributes, ReadOnlySpan<ulong> slots, ulong sumNs)
    {
        if (slots.Length != ExponentialBuckets.Slots)
        {
            throw new ArgumentException($"expected {ExponentialBuckets.Slots} slots, got {slots.Length}", nameof(slots));
        }

        // Positive bucket index i is slot i + 1 for i = 0..104 (104 = overflow, the last slot).
        ReadOnlySpan<ulong> positive = slots[1..];
        int first = positive.IndexOfAnyExcept(0UL);
        ulong[] counts = first < 0 ? [] : positive[first..(positive.LastIndexOfAnyExcept(0UL) + 1)].ToArray();
        return new ExponentialHistogramSeries(
            attributes,
            ExponentialBuckets.Scale,
            ZeroThresholdMicroseconds,
            slots[0],
            first < 0 ? 0 : first,
            counts,
            sumNs / 1000.0);
    }
}
