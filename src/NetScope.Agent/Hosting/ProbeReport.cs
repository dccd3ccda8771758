using System.Text;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.Hosting;

/// <summary>Formats the `netscope probe` report: each probe, hook and rung/hook set with its verdict.</summary>
internal static class ProbeReport
{
    public static string Format(string probe, IReadOnlyList<string> hooks, IReadOnlyList<RungReport> reports)
    {
        var text = new StringBuilder();
        text.Append("probe ").Append(probe).Append('\n');
        foreach (string hook in hooks)
        {
            text.Append("  hook ").Append(hook).Append('\n');
            foreach (RungReport report in reports)
            {
                string verdict = report.Available ? (report.Chosen ? "available (would be used)" : "available") : "refused";
                text.Append("    ").Append(report.Name.PadRight(21)).Append(verdict);
                if (!report.Available)
                {
                    text.Append(": ").Append(report.Reason);
                }

                text.Append('\n');
            }
        }

        RungReport? chosen = reports.FirstOrDefault(r => r.Chosen);
        text.Append("  rung used: ").Append(chosen is null ? "none (the probe cannot attach on this kernel)" : chosen.Name).Append('\n');
        return text.ToString();
    }
}
