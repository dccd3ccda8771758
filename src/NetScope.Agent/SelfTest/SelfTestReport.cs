using System.Text;
using System.Text.Json;
using NetScope.Agent.Probes;

namespace NetScope.Agent.SelfTest;

/// <summary>
/// Everything one `netscope selftest` found: per rung configuration the rung chosen and its numbers, and
/// every check. Printed for people (one line per check) and as one machine-readable line,
/// <see cref="SummaryPrefix"/> followed by JSON, that make test-kernels (tests/kernels/run-matrix.py) asserts on.
/// </summary>
internal sealed class SelfTestReport
{
    /// <summary>Starts the summary line; the JSON follows on the same line.</summary>
    public const string SummaryPrefix = "NETSCOPE-SELFTEST-SUMMARY ";

    private readonly List<RungConfigurationResult> _configurations = [];
    private readonly List<SelfTestCheck> _checks = [];

    public SelfTestReport(string kernel) => Kernel = kernel;

    /// <summary>The kernel release it ran on.</summary>
    public string Kernel { get; }

    public IReadOnlyList<RungConfigurationResult> Configurations => _configurations;

    public IReadOnlyList<SelfTestCheck> Checks => _checks;

    /// <summary>True when no check failed (skipped ones do not count against it).</summary>
    public bool Passed => _checks.All(c => c.Outcome != CheckOutcome.Fail);

    public void Add(RungConfigurationResult configuration)
    {
        _configurations.Add(configuration);
        _checks.AddRange(configuration.Checks);
    }

    public void Add(SelfTestCheck check) => _checks.Add(check);

    /// <summary>One line per check: outcome, scope, rung, name, reason.</summary>
    public string FormatText()
    {
        var text = new StringBuilder();
        text.Append("selftest on kernel ").Append(Kernel).Append('\n');
        foreach (RungConfigurationResult configuration in _configurations)
        {
            text.Append("  rungs ").Append(configuration.Name).Append(": ")
                .Append(configuration.ChosenName is { } chosen ? $"{chosen} chosen" : "no rung attached").Append('\n');
        }

        foreach (SelfTestCheck check in _checks)
        {
            text.Append(check.Outcome switch { CheckOutcome.Pass => "PASS ", CheckOutcome.Fail => "FAIL ", _ => "SKIP " })
                .Append(check.Scope).Append(check.Rung is null ? string.Empty : $" [{check.Rung}]")
                .Append(' ').Append(check.Name).Append(": ").Append(check.Reason).Append('\n');
        }

        int failed = _checks.Count(c => c.Outcome == CheckOutcome.Fail);
        int skipped = _checks.Count(c => c.Outcome == CheckOutcome.Skip);
        text.Append($"selftest {(Passed ? "passed" : "FAILED")}: {_checks.Count - failed - skipped} passed, {failed} failed, {skipped} skipped\n");
        return text.ToString();
    }

    /// <summary>The summary line: <see cref="SummaryPrefix"/> + compact JSON (the field names are the contract with run-matrix.py).</summary>
    public string FormatSummaryLine()
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps quotes in reasons readable in a console log; the line is never embedded in HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("kernel", Kernel);
            json.WriteBoolean("passed", Passed);
            json.WriteStartArray("configurations");
            foreach (RungConfigurationResult configuration in _configurations)
            {
                WriteConfiguration(json, configuration);
            }

            json.WriteEndArray();
            json.WriteStartArray("checks");
            foreach (SelfTestCheck check in _checks)
            {
                json.WriteStartObject();
                json.WriteString("name", check.Name);
                json.WriteString("scope", check.Scope);
                json.WriteString("rung", check.Rung);
                json.WriteString("outcome", check.Outcome.ToString().ToLowerInvariant());
                json.WriteString("reason", check.Reason);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return SummaryPrefix + Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteConfiguration(Utf8JsonWriter json, RungConfigurationResult configuration)
    {
        json.WriteStartObject();
        json.WriteString("name", configuration.Name);
        json.WriteString("rung", configuration.Rung is { } rung ? Names.Of(rung) : null);
        json.WriteString("hook_set", configuration.HookSet is { } hookSet ? Names.Of(hookSet) : null);
        json.WriteStartArray("rungs");
        foreach (RungReport report in configuration.Reports)
        {
            json.WriteStartObject();
            json.WriteString("rung", Names.Of(report.Rung));
            json.WriteString("hook_set", Names.Of(report.HookSet));
            json.WriteBoolean("available", report.Available);
            json.WriteBoolean("chosen", report.Chosen);
            json.WriteString("reason", report.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteNumbers(json, "numbers", configuration.ExactNumbers);
        WriteNumbers(json, "observed", configuration.ObservedNumbers);
        json.WriteEndObject();
    }

    private static void WriteNumbers(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, ulong> numbers)
    {
        json.WriteStartObject(name);
        foreach ((string key, ulong value) in numbers)
        {
            json.WriteNumber(key, value);
        }

        json.WriteEndObject();
    }
}
