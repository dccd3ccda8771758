using CommandLine;

namespace NetScope.Agent.Hosting;

/// <summary>`netscope run` (the default verb).</summary>
[Verb("run", isDefault: true, HelpText = "Load the probes and serve Prometheus metrics (default verb).")]
internal sealed class RunVerb
{
    [Option("listen", Default = "127.0.0.1:9745", HelpText = "ADDRESS:PORT for /metrics and /healthz. Loopback by default; use the pod or host address to let Prometheus scrape remotely.")]
    public string Listen { get; set; } = "127.0.0.1:9745";

    [Option("rungs", Separator = ',', HelpText = "Hook rungs the TCP probes may use, best first: fentry,kprobe,tracepoint (default: all; the best that attaches wins).")]
    public IEnumerable<string> Rungs { get; set; } = [];

    [Option("log-level", Default = "Information", HelpText = "Minimum log level: Trace, Debug, Information, Warning, Error.")]
    public string LogLevel { get; set; } = "Information";
}

/// <summary>`netscope probe`.</summary>
[Verb("probe", HelpText = "Report, per probe and hook, which rungs (fentry, kprobe, tracepoint) this kernel accepts and why the others are refused. Loads and detaches each rung once; changes nothing.")]
internal sealed class ProbeVerb
{
    [Option("log-level", Default = "Warning", HelpText = "Minimum log level for libbpf and agent messages.")]
    public string LogLevel { get; set; } = "Warning";
}
