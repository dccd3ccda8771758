using System.Globalization;
using System.Text;
using NetScope.Exporters.Abstractions;

namespace NetScope.Exporters.Prometheus;

/// <summary>
/// Writes kernel-counted histograms in the Prometheus text format (0.0.4).
/// prometheus-net can only build histograms from Observe() calls, which cannot reproduce a kernel
/// histogram's exact sum; this writer emits the kernel's bucket counts and sum unchanged (what Go
/// exporters do with MustNewConstHistogram). Everything else goes through prometheus-net.
/// </summary>
public static class KernelHistogramTextWriter
{
    /// <summary>Appends the families to <paramref name="output"/>.</summary>
    public static void Write(StringBuilder output, IEnumerable<KernelHistogramFamily> families)
    {
        foreach (KernelHistogramFamily family in families)
        {
            output.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            output.Append("# TYPE ").Append(family.Name).Append(" histogram\n");
            foreach (KernelHistogramSeries series in family.Series)
            {
                WriteSeries(output, family, series);
            }
        }
    }

    private static void WriteSeries(StringBuilder output, KernelHistogramFamily family, KernelHistogramSeries series)
    {
        if (series.BucketCounts.Count != series.UpperBounds.Count + 1)
        {
            throw new ArgumentException($"{family.Name}: {series.BucketCounts.Count} bucket counts for {series.UpperBounds.Count} finite bounds.");
        }

        string labels = FormatLabels(family.LabelNames, series.LabelValues);
        ulong cumulative = 0;
        for (int i = 0; i < series.UpperBounds.Count; i++)
        {
            cumulative += series.BucketCounts[i];
            AppendBucket(output, family.Name, labels, FormatDouble(series.UpperBounds[i]), cumulative);
        }

        cumulative += series.BucketCounts[^1];
        AppendBucket(output, family.Name, labels, "+Inf", cumulative);
        string braced = labels.Length == 0 ? string.Empty : "{" + labels + "}";
        output.Append(family.Name).Append("_sum").Append(braced).Append(' ').Append(FormatDouble(series.Sum)).Append('\n');
        output.Append(family.Name).Append("_count").Append(braced).Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void AppendBucket(StringBuilder output, string name, string labels, string le, ulong cumulative)
    {
        output.Append(name).Append("_bucket{");
        if (labels.Length > 0)
        {
            output.Append(labels).Append(',');
        }

        output.Append("le=\"").Append(le).Append("\"} ").Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Formats label pairs without braces, escaping values as the text format requires.</summary>
    public static string FormatLabels(IReadOnlyList<string> names, IReadOnlyList<string> values)
    {
        if (names.Count != values.Count)
        {
            throw new ArgumentException($"{names.Count} label names but {values.Count} values.");
        }

        var builder = new StringBuilder();
        for (int i = 0; i < names.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append(names[i]).Append("=\"").Append(EscapeLabelValue(values[i])).Append('"');
        }

        return builder.ToString();
    }

    /// <summary>Shortest round-trip representation, as Prometheus clients print floats.</summary>
    public static string FormatDouble(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e'),
    };

    private static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
