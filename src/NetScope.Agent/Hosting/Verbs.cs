using CommandLine;

namespace NetScope.Agent.Hosting;

/// <summary>`netscope run` (the default verb).</summary>
[Verb("run", isDefault: true, HelpText = "Load the probes and serve Prometheus metrics (default verb).")]
internal sealed class RunVerb
{
    [Option("config", HelpText = "YAML config file (see docs/configuration.md). Without it the embedded default config is used. OTLP export: the file's otlp section, or the standard OTEL_EXPORTER_OTLP_* variables for what it leaves unset.")]
    public string? Config { get; set; }

    [Option("listen", HelpText = "ADDRESS:PORT for the web page (/), /metrics, /api/v1/*, /healthz and /readyz; overrides the config's listen. Default 127.0.0.1:9745 (loopback): use the pod or host address to let Prometheus scrape remotely.")]
    public string? Listen { get; set; }

    [Option("web-config", HelpText = "YAML file enabling TLS (tls_server_config) and basic auth (basic_auth_users) on the HTTP endpoint; see docs/web-config.md.")]
    public string? WebConfig { get; set; }

    [Option("rungs", Separator = ',', HelpText = "Hook rungs the TCP probes may use: fentry,kprobe,tracepoint; overrides the config's probes.rungs (default: all; the best that attaches wins).")]
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

/// <summary>`netscope check`.</summary>
[Verb("check", HelpText = "Validate a config file without touching the kernel: prints every problem as FILE:LINE:COL and exits 1, or exits 0.")]
internal sealed class CheckVerb
{
    [Option("config", Required = true, HelpText = "The YAML config file to validate.")]
    public string Config { get; set; } = string.Empty;
}

/// <summary>`netscope selftest`.</summary>
[Verb("selftest", HelpText = "Prove the probes work on this kernel: for each rung configuration (all rungs, then without fentry, then tracepoint alone; or just --rungs) load the TCP probe, report the rung chosen, drive known loopback request/response traffic and check the histograms, per-series counters and send/recv counts; optionally run the XDP packet corpus. Prints one line per check and a NETSCOPE-SELFTEST-SUMMARY JSON line; exits 1 if any check failed. Needs root; traffic stays on 127.0.0.1.")]
internal sealed class SelfTestVerb
{
    [Option("rungs", Separator = ',', HelpText = "Run only this rung configuration (fentry,kprobe,tracepoint subset) instead of the whole ladder.")]
    public IEnumerable<string> Rungs { get; set; } = [];

    [Option("requests", Default = 20, HelpText = "Request/response round trips per rung configuration (each answered after 156 ms).")]
    public int Requests { get; set; } = 20;

    [Option("xdp-corpus", HelpText = "Folder of the XDP packet corpus (tests/corpus/xdp: manifest.json + packets) to run through the XDP program with BPF_PROG_TEST_RUN.")]
    public string? XdpCorpus { get; set; }

    [Option("log-level", Default = "Warning", HelpText = "Minimum log level for libbpf and agent messages.")]
    public string LogLevel { get; set; } = "Warning";
}
