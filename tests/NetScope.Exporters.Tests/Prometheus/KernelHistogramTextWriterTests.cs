using System.Text;
using NetScope.Exporters.Abstractions;
using NetScope.Exporters.Prometheus;

namespace NetScope.Exporters.Tests.Prometheus;

public class KernelHistogramTextWriterTests
{
    private static string Render(params KernelHistogramSeries[] series)
    {
        var text = new StringBuilder();
        KernelHistogramTextWriter.Write(text, [new KernelHistogramFamily("m_seconds", "Help \\ text\nwith newline", ["role", "port"], series)]);
        return text.ToString();
    }

    [Fact]
    public void WritesCumulativeBucketsSumAndCount()
    {
        string text = Render(new KernelHistogramSeries(["server", "80"], [1e-6, 2e-6], [3, 0, 2], 0.5));
        string expected =
            "# HELP m_seconds Help \\\\ text\\nwith newline\n" +
            "# TYPE m_seconds histogram\n" +
            "m_seconds_bucket{role=\"server\",port=\"80\",le=\"1e-06\"} 3\n" +
            "m_seconds_bucket{role=\"server\",port=\"80\",le=\"2e-06\"} 3\n" +
            "m_seconds_bucket{role=\"server\",port=\"80\",le=\"+Inf\"} 5\n" +
            "m_seconds_sum{role=\"server\",port=\"80\"} 0.5\n" +
            "m_seconds_count{role=\"server\",port=\"80\"} 5\n";
        Assert.Equal(expected, text);
    }

    [Fact]
    public void EscapesLabelValues() =>
        Assert.Contains("role=\"a\\\"b\\\\c\\nd\"", Render(new KernelHistogramSeries(["a\"b\\c\nd", "1"], [1], [0, 0], 0)));

    [Fact]
    public void FamilyWithoutSeriesStillDeclaresItsType() =>
        Assert.Contains("# TYPE m_seconds histogram", Render());

    [Fact]
    public void MismatchedBucketCountIsRejected() =>
        Assert.Throws<ArgumentException>(() => Render(new KernelHistogramSeries(["a", "1"], [1, 2], [0, 0], 0)));

    [Fact]
    public void CountIsTheSumOfBuckets() => Assert.Equal(6UL, new KernelHistogramSeries([], [1], [2, 4], 0).Count);
}
