namespace NetScope.Exporters.Abstractions;

/// <summary>
/// One exponential-histogram series whose buckets were counted elsewhere (in the kernel), already laid out
/// as OpenTelemetry base-2 exponential buckets: bucket index i covers (base^i, base^(i+1)] in the metric's
/// unit with base = 2^(2^-scale). Pushed unchanged, so a receiver sees exactly the counted buckets.
/// </summary>
/// <param name="Attributes">Attributes of the series (e.g. role, port), in a fixed order.</param>
/// <param name="Scale">OpenTelemetry scale of the buckets.</param>
/// <param name="ZeroThreshold">Values in [0, ZeroThreshold] are counted in <paramref name="ZeroCount"/>.</param>
/// <param name="ZeroCount">Observations at or below <paramref name="ZeroThreshold"/>.</param>
/// <param name="PositiveOffset">Index of the first entry of <paramref name="PositiveCounts"/>.</param>
/// <param name="PositiveCounts">Counts of consecutive buckets from <paramref name="PositiveOffset"/> on.</param>
/// <param name="Sum">Sum of the observations in the metric's unit.</param>
public sealed record ExponentialHistogramSeries(
    IReadOnlyList<KeyValuePair<string, string>> Attributes,
    int Scale,
    double ZeroThreshold,
    ulong ZeroCount,
    int PositiveOffset,
    IReadOnlyList<ulong> PositiveCounts,
    double Sum)
{
    /// <summary>Total number of observations: the zero count plus every bucket (never counted apart).</summary>
    public ulong Count
    {
        get
        {
            ulong total = ZeroCount;
            foreach (ulong c in PositiveCounts)
            {
                total += c;
            }

            return total;
        }
    }
}

/// <summary>A cumulative exponential-histogram metric.</summary>
/// <param name="Name">OpenTelemetry metric name, e.g. netscope.tcp.request.duration.</param>
/// <param name="Description">What is measured.</param>
/// <param name="Unit">UCUM unit, e.g. us.</param>
/// <param name="Series">One entry per attribute set.</param>
public sealed record ExponentialHistogramMetric(string Name, string Description, string Unit, IReadOnlyList<ExponentialHistogramSeries> Series);

/// <summary>One series of a monotonic counter: its cumulative value.</summary>
/// <param name="Attributes">Attributes of the series, in a fixed order.</param>
/// <param name="Value">Cumulative count since the start time.</param>
public sealed record CounterSeries(IReadOnlyList<KeyValuePair<string, string>> Attributes, ulong Value);

/// <summary>A cumulative monotonic counter metric.</summary>
/// <param name="Name">OpenTelemetry metric name, e.g. netscope.tcp.bytes.sent.</param>
/// <param name="Description">What is counted.</param>
/// <param name="Unit">UCUM unit, e.g. By.</param>
/// <param name="Series">One entry per attribute set.</param>
public sealed record CounterMetric(string Name, string Description, string Unit, IReadOnlyList<CounterSeries> Series);

/// <summary>Everything to push at one moment; every value counts from <paramref name="StartTime"/>.</summary>
/// <param name="StartTime">When counting began (the probe attached): the start of every cumulative value.</param>
/// <param name="Histograms">Exponential-histogram metrics.</param>
/// <param name="Counters">Monotonic counter metrics.</param>
public sealed record CumulativeMetricSnapshot(
    DateTimeOffset StartTime,
    IReadOnlyList<ExponentialHistogramMetric> Histograms,
    IReadOnlyList<CounterMetric> Counters);

/// <summary>Supplies cumulative metrics to push exporters (OTLP). Implemented by the agent.</summary>
public interface ICumulativeMetricSource
{
    /// <summary>Reads the current state; null when there is nothing to report yet (probe not attached).</summary>
    CumulativeMetricSnapshot? Collect();
}
