namespace NetScope.Exporters.Abstractions;

/// <summary>
/// One histogram series whose buckets were counted elsewhere (in the kernel). Bounds are upper-inclusive,
/// in the metric's base unit, ascending; the last bucket is +Inf and is not listed in <see cref="UpperBounds"/>.
/// </summary>
/// <param name="LabelValues">Values for the family's label names, in order.</param>
/// <param name="UpperBounds">Finite upper bounds (le), ascending.</param>
/// <param name="BucketCounts">Non-cumulative counts: one per finite bound plus the +Inf bucket.</param>
/// <param name="Sum">Sum of observations in the base unit.</param>
public sealed record KernelHistogramSeries(
    IReadOnlyList<string> LabelValues,
    IReadOnlyList<double> UpperBounds,
    IReadOnlyList<ulong> BucketCounts,
    double Sum)
{
    /// <summary>Total number of observations.</summary>
    public ulong Count
    {
        get
        {
            ulong total = 0;
            foreach (ulong c in BucketCounts)
            {
                total += c;
            }

            return total;
        }
    }
}

/// <summary>A histogram metric family read from the kernel at scrape time.</summary>
/// <param name="Name">Metric name, e.g. netscope_tcp_request_duration_seconds.</param>
/// <param name="Help">Help text.</param>
/// <param name="LabelNames">Label names of every series.</param>
/// <param name="Series">The series.</param>
public sealed record KernelHistogramFamily(
    string Name,
    string Help,
    IReadOnlyList<string> LabelNames,
    IReadOnlyList<KernelHistogramSeries> Series);

/// <summary>Supplies kernel-counted histograms at scrape time. Implemented by the agent.</summary>
public interface IKernelHistogramSource
{
    /// <summary>Reads the current state. Called once per scrape.</summary>
    IReadOnlyList<KernelHistogramFamily> CollectHistograms();
}
