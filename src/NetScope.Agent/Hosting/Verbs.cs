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

    [Option("tracepoint-hooks", HelpText = "Hook set of the tracepoint rung: auto (the sock tracepoints where the kernel has them, 6.3+, else the syscall tracepoints), sock or syscalls; overrides the config's probes.tracepoint_hooks.")]
    public string? TracepointHooks { get; set; }

    [Option("log-level", Default = "Information", HelpText = "Minimum log level: Trace, Debug, Information, Warning, Error.")]
    public string LogLevel { get; set; } = "Information";
}

/// <summary>`netscope probe`.</summary>
[Verb("probe", HelpText = "Report, per probe and hook, which rungs and hook sets (fentry/tcp, kprobe/tcp, tracepoint/sock, tracepoint/syscalls) this kernel accepts and why the others are refused. Loads and detaches each once; changes nothing.")]
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
[Verb("selftest", HelpText = "Prove the probes work on this kernel: for each rung configuration (all rungs, then without fentry, then tracepoint alone, then tracepoint with the syscalls hook set forced; or just --rungs/--tracepoint-hooks) load the TCP probe, report the rung and hook set chosen, drive known loopback request/response traffic and check the histograms, per-series counters and send/recv counts; optionally run the XDP packet corpus. Prints one line per check and a NETSCOPE-SELFTEST-SUMMARY JSON line; exits 1 if any check failed. Needs root; traffic stays on 127.0.0.1.")]
internal sealed class SelfTestVerb
{
    [Option("rungs", Separator = ',', HelpText = "Run only this rung configuration (fentry,kprobe,tracepoint subset) instead of the whole ladder.")]
    public IEnumerable<string> Rungs { get; set; } = [];

    [Option("tracepoint-hooks", HelpText = "Run only the configuration with this tracepoint hook set (auto, sock or syscalls), with --rungs or all rungs, instead of the whole ladder.")]
    public string? TracepointHooks { get; set; }

    [Option("requests", Default = 20, HelpText = "Request/response round trips per rung configuration (each answered after 156 ms).")]
    public int Requests { get; set; } = 20;

    [Option("xdp-corpus", HelpText = "Folder of the XDP packet corpus (tests/corpus/xdp: manifest.json + packets) to run through the XDP program with BPF_PROG_TEST_RUN.")]
    public string? XdpCorpus { get; set; }

    [Option("log-level", Default = "Warning", HelpText = "Minimum log level for libbpf and agent messages.")]
    public string LogLevel { get; set; } = "Warning";
}

/// <summary>`netscope top`.</summary>
[Verb("top", HelpText = "Live terminal view of a running agent: latency heatmap per series, the series with p50/p99 and rate, and the flood filter's rules and top offenders. Keys: Up/Down, j/k or Tab switch series; q or Ctrl-C quits. Plain text when NO_COLOR is set, TERM=dumb or the output is not a terminal. See docs/see-it.md.")]
internal sealed class TopVerb
{
    [Option("agent", Default = Top.AgentEndpoint.Default, HelpText = "The agent's HTTP endpoint: HOST:PORT, or https://HOST:PORT for an agent with TLS (--web-config).")]
    public string Agent { get; set; } = Top.AgentEndpoint.Default;

    [Option("user", HelpText = "Basic-auth user; the password comes from the environment variable NETSCOPE_AGENT_PASSWORD or --password-file.")]
    public string? User { get; set; }

    [Option("password-file", HelpText = "File holding the basic-auth password (trailing newline ignored).")]
    public string? PasswordFile { get; set; }

    [Option("ca-file", HelpText = "PEM CA certificate(s) to trust for the agent's TLS certificate instead of the system store.")]
    public string? CaFile { get; set; }

    [Option("cert-file", HelpText = "PEM client certificate, for an agent that requires mTLS (with --key-file).")]
    public string? CertFile { get; set; }

    [Option("key-file", HelpText = "PEM private key of --cert-file.")]
    public string? KeyFile { get; set; }

    [Option("insecure", HelpText = "Do not verify the agent's TLS certificate (testing only).")]
    public bool Insecure { get; set; }

    [Option("interval", Default = "1", HelpText = "Seconds between redraws (0.1-3600).")]
    public string Interval { get; set; } = "1";

    [Option("once", HelpText = "Print one frame and exit (for scripts; no keys, no full-screen).")]
    public bool Once { get; set; }

    [Option("plain", HelpText = "Plain text: no colour, ASCII only (also when NO_COLOR is set, TERM=dumb or the output is not a terminal).")]
    public bool Plain { get; set; }
}

/// <summary>`netscope demo`.</summary>
[Verb("demo", HelpText = "Self-contained demo (root): creates two network namespaces joined through a bridge, nginx in one, a legitimate client and a GET flood from another address in the other, and starts the agent with a drop rule on the clients' veth. Prints what to look at (netscope top, the web page, /metrics) and removes everything on Ctrl-C, SIGTERM or after --duration. See docs/see-it.md.")]
internal sealed class DemoVerb
{
    [Option("duration", Default = 0, HelpText = "Seconds to run, then clean up and exit; 0 runs until Ctrl-C.")]
    public int Duration { get; set; }

    [Option("listen", Default = "127.0.0.1:9745", HelpText = "ADDRESS:PORT of the demo agent's HTTP endpoint (/, /metrics, /api/v1/*).")]
    public string Listen { get; set; } = "127.0.0.1:9745";

    [Option("log-level", Default = "Warning", HelpText = "Minimum log level of the demo agent: Warning shows every threshold crossing and block; Information adds the start-up details.")]
    public string LogLevel { get; set; } = "Warning";
}
