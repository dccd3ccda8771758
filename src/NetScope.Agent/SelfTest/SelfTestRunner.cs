using NetScope.Agent.Hosting;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.SelfTest;

/// <summary>
/// `netscope selftest`: every rung configuration of the TCP probe (or the one given), a cross-check that
/// they counted the same traffic the same, and optionally the XDP packet corpus. Needs root (loads BPF);
/// attaches nothing to any interface and sends traffic only on loopback.
/// </summary>
internal static class SelfTestRunner
{
    /// <param name="only">One configuration to run, or null for the whole <see cref="RungConfiguration.Ladder"/>.</param>
    /// <param name="requests">Round trips of traffic per configuration.</param>
    /// <param name="xdpCorpus">The corpus folder (manifest.json + packets), or null to leave XDP out.</param>
    public static async Task<SelfTestReport> RunAsync(RungConfiguration? only, int requests, string? xdpCorpus)
    {
        var report = new SelfTestReport(BuildInfoMetric.KernelRelease);

        // Compile the serve path before any probe attaches: JIT work between a request's receive and its
        // response would count as latency.
        await LoopbackEchoServer.WarmUpAsync();
        var tcp = new TcpSelfTest(new RungSelector(new KernelFeatures()), requests);
        IReadOnlyList<RungConfiguration> configurations = only is null ? RungConfiguration.Ladder(TcpLatencyProbe.Definition) : [only];
        for (int i = 0; i < configurations.Count; i++)
        {
            // The first configuration is the one the user runs (all rungs, or --rungs): it must attach.
            // Lower ones may not exist on this kernel (e.g. no tracepoint hook set at all): skipped, not failed.
            report.Add(await tcp.RunAsync(configurations[i], mustAttach: i == 0));
        }

        if (report.Configurations.Count(c => c.Rung is not null) > 1)
        {
            report.Add(SameNumbers(report.Configurations));
        }

        if (xdpCorpus is not null)
        {
            RunXdpCorpus(report, xdpCorpus);
        }

        return report;
    }

    /// <summary>The same traffic must give the same exact numbers whichever rung recorded it.</summary>
    private static SelfTestCheck SameNumbers(IReadOnlyList<RungConfigurationResult> configurations)
    {
        List<RungConfigurationResult> attached = configurations.Where(c => c.Rung is not null).ToList();
        RungConfigurationResult first = attached[0];
        var differences = new List<string>();
        foreach (RungConfigurationResult other in attached.Skip(1))
        {
            foreach ((string key, ulong value) in first.ExactNumbers)
            {
                ulong otherValue = other.ExactNumbers.GetValueOrDefault(key);
                if (otherValue != value)
                {
                    differences.Add($"{key}: {value} with {first.ChosenName} ({first.Name}), {otherValue} with {other.ChosenName} ({other.Name})");
                }
            }
        }

        string rungs = string.Join(", ", attached.Select(c => c.ChosenName));
        return SelfTestCheck.Verdict("same_numbers", "all", null, differences.Count == 0,
            differences.Count == 0 ? $"{attached.Count} configurations ({rungs}) recorded identical numbers" : string.Join("; ", differences));
    }

    private static void RunXdpCorpus(SelfTestReport report, string directory)
    {
        XdpCorpus corpus;
        try
        {
            corpus = XdpCorpus.Load(directory);
        }
        catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException)
        {
            report.Add(new SelfTestCheck("xdp_corpus", "xdp", null, CheckOutcome.Fail, ex.Message));
            return;
        }

        foreach (string packet in corpus.PacketNames)
        {
            string? problem;
            try
            {
                problem = corpus.Run(packet);
            }
            catch (BpfException ex)
            {
                problem = ex.Message;
            }

            report.Add(SelfTestCheck.Verdict($"xdp_corpus/{packet}", "xdp", null, problem is null, problem ?? "verdict, counters and map entries as in the manifest"));
        }
    }
}
