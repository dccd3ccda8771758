using NetScope.Exporters.Abstractions;
using NetScope.Exporters.Otlp.Proto;

namespace NetScope.Exporters.Otlp;

/// <summary>
/// Turns a <see cref="CumulativeMetricSnapshot"/> into one ExportMetricsServiceRequest: one resource, one
/// scope ("netscope"), cumulative temporality. Histogram buckets are copied as they are (no rescaling), so
/// the receiver gets exactly the counted buckets.
/// </summary>
internal static class OtlpRequestBuilder
{
    /// <summary>The instrumentation scope name.</summary>
    public const string ScopeName = "netscope";

    public static ExportMetricsServiceRequest Build(
        CumulativeMetricSnapshot snapshot,
        IReadOnlyList<KeyValuePair<string, string>> resource,
        string scopeVersion,
        DateTimeOffset now)
    {
        ulong start = UnixNanos(snapshot.StartTime);
        ulong time = Math.Max(UnixNanos(now), start);
        var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = ScopeName, Version = scopeVersion } };
        foreach (ExponentialHistogramMetric metric in snapshot.Histograms)
        {
            var histogram = new ExponentialHistogram { AggregationTemporality = AggregationTemporality.Cumulative };
            histogram.DataPoints.AddRange(metric.Series.Select(s => Point(s, start, time)));
            scope.Metrics.Add(new Metric { Name = metric.Name, Description = metric.Description, Unit = metric.Unit, ExponentialHistogram = histogram });
        }

        foreach (CounterMetric metric in snapshot.Counters)
        {
            var sum = new Sum { AggregationTemporality = AggregationTemporality.Cumulative, IsMonotonic = true };
            sum.DataPoints.AddRange(metric.Series.Select(s => Point(s, start, time)));
            scope.Metrics.Add(new Metric { Name = metric.Name, Description = metric.Description, Unit = metric.Unit, Sum = sum });
        }

        var resourceMetrics = new ResourceMetrics { Resource = new Resource() };
        resourceMetrics.Resource.Attributes.AddRange(Attributes(resource));
        resourceMetrics.ScopeMetrics.Add(scope);
        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(resourceMetrics);
        return request;
    }

    /// <summary>Number of data points in a request (what a partial success may reject a part of).</summary>
    public static int DataPoints(ExportMetricsServiceRequest request) =>
        request.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics)
            .Sum(m => m.DataCase == Metric.DataOneofCase.Sum ? m.Sum.DataPoints.Count : m.ExponentialHistogram.DataPoints.Count);

    private static ExponentialHistogramDataPoint Point(ExponentialHistogramSeries series, ulong start, ulong time)
    {
        var point = new ExponentialHistogramDataPoint
        {
            StartTimeUnixNano = start,
            TimeUnixNano = time,
            Count = series.Count,
            Sum = series.Sum,
            Scale = series.Scale,
            ZeroCount = series.ZeroCount,
            ZeroThreshold = series.ZeroThreshold,
            Positive = new ExponentialHistogramDataPoint.Types.Buckets { Offset = series.PositiveOffset },
        };
        point.Positive.BucketCounts.AddRange(series.PositiveCounts);
        point.Attributes.AddRange(Attributes(series.Attributes));
        return point;
    }

    private static NumberDataPoint Point(CounterSeries series, ulong start, ulong time)
    {
        // as_int is signed; a counter beyond 2^63 would need centuries of traffic, saturate rather than wrap.
        var point = new NumberDataPoint { StartTimeUnixNano = start, TimeUnixNano = time, AsInt = (long)Math.Min(series.Value, long.MaxValue) };
        point.Attributes.AddRange(Attributes(series.Attributes));
        return point;
    }

    private static IEnumerable<KeyValue> Attributes(IEnumerable<KeyValuePair<string, string>> attributes) =>
        attributes.Select(a => new KeyValue { Key = a.Key, Value = new AnyValue { StringValue = a.Value } });

    private static ulong UnixNanos(DateTimeOffset time) => (ulong)((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * TimeSpan.NanosecondsPerTick);
}
