using NetScope.Bench;

namespace NetScope.Bench.Tests;

/// <summary>How `make probe-ab` sums up bench/probe_ab.c's lines (round, variant, share of the no-probe rate).</summary>
public class ProbeAbSummaryTests
{
    [Fact]
    public void OnlyCompleteRoundsCountAndEachVariantIsAlsoComparedWithTheFirst()
    {
        // Round 2 was cut short (variant 1 never ran): it counts for neither variant.
        const string Output = "0 0 0.90000\n0 1 0.99000\n1 1 0.96000\n1 0 0.80000\n2 0 0.10000\n";

        string summary = ProbeAb.Summarize(Output, ["base", "new"])!;

        Assert.Contains("2 rounds", summary, StringComparison.Ordinal);
        Assert.Contains("  base                      85.00 %", summary, StringComparison.Ordinal);
        Assert.Contains("  new                       97.50 %", summary, StringComparison.Ordinal);
        // Per round 0.99 / 0.90 = 1.10 and 0.96 / 0.80 = 1.20: the median ratio, not the ratio of medians (1.147).
        Assert.EndsWith("  new                      115.00 %  (95 % CI 110.00-120.00)\n", summary.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutACompleteRoundThereIsNoSummary() =>
        Assert.Null(ProbeAb.Summarize("0 0 0.9\n", ["base", "new"]));
}
