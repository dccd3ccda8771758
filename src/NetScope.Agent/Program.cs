using CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Configuration;
using NetScope.Agent.Hosting;
using NetScope.Agent.Probes;
using NetScope.Agent.SelfTest;
using NetScope.Native;

namespace NetScope.Agent;

/// <summary>The netscope command line.</summary>
internal static class Program
{
    private static readonly Type[] s_verbs = [typeof(RunVerb), typeof(ProbeVerb), typeof(SelfTestVerb), typeof(CheckVerb), typeof(TopVerb), typeof(DemoVerb)];

    public static async Task<int> Main(string[] args)
    {
        // `run` is the default verb, so the parser would read an unknown verb as a stray value of `run`
        // and start the agent; a misspelt verb must be a usage error instead.
        if (args.Length > 0 && !args[0].StartsWith('-') && !IsKnownVerb(args[0]))
        {
            await Console.Error.WriteLineAsync($"netscope: unknown verb '{args[0]}'. Verbs: {string.Join(", ", VerbNames())}. See 'netscope --help'.");
            return 2;
        }

        using var parser = new Parser(settings =>
        {
            settings.HelpWriter = Console.Error;
            settings.CaseInsensitiveEnumValues = true;
        });
        ParserResult<object> result = parser.ParseArguments(args, s_verbs);
        return await result.MapResult(
            (RunVerb verb) => RunAsync(verb, args),
            (ProbeVerb verb) => Task.FromResult(Probe(verb)),
            (SelfTestVerb verb) => SelfTestAsync(verb),
            (CheckVerb verb) => Task.FromResult(Check(verb)),
            (TopVerb verb) => Top.TopCommand.RunAsync(verb, Console.Out, Console.Error),
            (DemoVerb verb) => Demo.DemoCommand.RunAsync(verb, Console.Out, Console.Error),
            errors => Task.FromResult(errors.Any(e => e is HelpRequestedError or VersionRequestedError or HelpVerbRequestedError) ? 0 : 2));
    }

    private static IEnumerable<string> VerbNames() =>
        s_verbs.Select(t => ((VerbAttribute)Attribute.GetCustomAttribute(t, typeof(VerbAttribute))!).Name);

    private static bool IsKnownVerb(string word) =>
        word is "help" or "version" || VerbNames().Contains(word, StringComparer.Ordinal);

    private static async Task<int> RunAsync(RunVerb verb, string[] args)
    {
        if (!TryBuildOptions(verb, out AgentOptions? options, out LogLevel level))
        {
            return 2;
        }

        SingleInstanceGuard instance;
        try
        {
            instance = SingleInstanceGuard.Acquire();
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"netscope: {ex.Message}");
            return 1;
        }

        using SingleInstanceGuard held = instance;
        WebApplication app = AgentHost.Build(options, level);
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (ex is BpfException or InvalidOperationException or IOException)
        {
            await Console.Error.WriteLineAsync($"netscope: {ex.Message}");
            return 1;
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static int Probe(ProbeVerb verb)
    {
        using ILoggerFactory? loggers = PrepareKernelVerb(verb.LogLevel);
        if (loggers is null)
        {
            return 2;
        }

        var selector = new RungSelector(new KernelFeatures());
        IReadOnlyList<RungReport> reports = selector.Evaluate(TcpLatencyProbe.Definition);
        Console.Write(ProbeReport.Format(TcpLatencyProbe.ProbeName, TcpLatencyProbe.Hooks, reports));
        return 0;
    }

    private static async Task<int> SelfTestAsync(SelfTestVerb verb)
    {
        if (!TryParseRungs(verb.Rungs, out HashSet<HookRung>? rungs) || !TryParseTracepointHooks(verb.TracepointHooks, out HookSet? tracepointHooks))
        {
            return 2;
        }

        if (verb.Requests < 1)
        {
            await Console.Error.WriteLineAsync($"netscope: --requests must be at least 1, not {verb.Requests}");
            return 2;
        }

        using ILoggerFactory? loggers = PrepareKernelVerb(verb.LogLevel);
        if (loggers is null)
        {
            return 2;
        }

        RungConfiguration? only = rungs.Count == 0 && verb.TracepointHooks is null
            ? null
            : new RungConfiguration(rungs.Count == 0 ? Enum.GetValues<HookRung>().ToHashSet() : rungs, tracepointHooks);
        SelfTestReport report = await SelfTestRunner.RunAsync(only, verb.Requests, verb.XdpCorpus);
        Console.Write(report.FormatText());
        Console.WriteLine(report.FormatSummaryLine());
        return report.Passed ? 0 : 1;
    }

    /// <summary>
    /// Logging and kernel file systems for the verbs that load BPF without serving (probe, selftest):
    /// null (after saying why) when --log-level is invalid. A mount failure is reported and the verb goes
    /// on: the rungs that need the file system will say they were refused.
    /// </summary>
    private static ILoggerFactory? PrepareKernelVerb(string logLevel)
    {
        if (!Enum.TryParse(logLevel, ignoreCase: true, out LogLevel level))
        {
            Console.Error.WriteLine($"netscope: --log-level '{logLevel}' is not one of Trace, Debug, Information, Warning, Error");
            return null;
        }

        ILoggerFactory loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(level));
        LibbpfLogging.Install(loggers.CreateLogger("libbpf"));
        try
        {
            KernelFileSystems.EnsureMounted(loggers.CreateLogger("netscope"));
        }
        catch (BpfException ex)
        {
            Console.Error.WriteLine($"netscope: {ex.Message}");
        }

        return loggers;
    }

    /// <summary>Parses --rungs values (fentry, kprobe, tracepoint); false after saying which value is wrong.</summary>
    private static bool TryParseRungs(IEnumerable<string> names, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HashSet<HookRung>? rungs)
    {
        rungs = [];
        foreach (string name in names)
        {
            if (!Names.TryParse(name.Trim(), out HookRung rung))
            {
                Console.Error.WriteLine($"netscope: --rungs '{name}' is not one of fentry, kprobe, tracepoint");
                rungs = null;
                return false;
            }

            rungs.Add(rung);
        }

        return true;
    }

    /// <summary>Parses --tracepoint-hooks (absent: null, i.e. the config's or automatic); false after saying what is wrong.</summary>
    private static bool TryParseTracepointHooks(string? text, out HookSet? hookSet)
    {
        hookSet = null;
        if (text is null || TracepointHooks.TryParse(text, out hookSet))
        {
            return true;
        }

        Console.Error.WriteLine($"netscope: --tracepoint-hooks '{text}' is not one of {TracepointHooks.Choices}");
        return false;
    }

    private static int Check(CheckVerb verb)
    {
        try
        {
            AgentConfig config = ConfigLoader.LoadFile(verb.Config);
            Console.WriteLine($"{config.Source}: OK");
            return 0;
        }
        catch (ConfigException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 1;
        }
    }

    private static bool TryBuildOptions(RunVerb verb, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AgentOptions? options, out LogLevel level)
    {
        options = null;
        if (!Enum.TryParse(verb.LogLevel, ignoreCase: true, out level))
        {
            Console.Error.WriteLine($"netscope: --log-level '{verb.LogLevel}' is not one of Trace, Debug, Information, Warning, Error");
            return false;
        }

        AgentConfig config;
        try
        {
            config = verb.Config is null ? ConfigLoader.Parse(EmbeddedDefaultConfig.Text, EmbeddedDefaultConfig.SourceName) : ConfigLoader.LoadFile(verb.Config);
        }
        catch (ConfigException ex)
        {
            Console.Error.WriteLine($"netscope: invalid configuration:{Environment.NewLine}{ex.Message}");
            return false;
        }

        System.Net.IPEndPoint listen = config.Listen;
        if (verb.Listen is not null && !ListenAddress.TryParse(verb.Listen, out listen!, out string? error))
        {
            Console.Error.WriteLine($"netscope: {error}");
            return false;
        }

        NetScope.Exporters.Http.WebConfig? web = null;
        if (verb.WebConfig is not null)
        {
            try
            {
                web = NetScope.Exporters.Http.WebConfigLoader.LoadFile(verb.WebConfig);
            }
            catch (NetScope.Exporters.Http.WebConfigException ex)
            {
                Console.Error.WriteLine($"netscope: invalid web config:{Environment.NewLine}{ex.Message}");
                return false;
            }
        }

        if (!TryParseRungs(verb.Rungs, out HashSet<HookRung>? rungs) || !TryParseTracepointHooks(verb.TracepointHooks, out HookSet? tracepointHooks))
        {
            return false;
        }

        options = new AgentOptions
        {
            ConfigPath = verb.Config,
            Config = config with { Listen = listen, TracepointHooks = verb.TracepointHooks is null ? config.TracepointHooks : tracepointHooks },
            Web = web,
            Listen = listen,
            AllowedRungs = rungs.Count == 0 ? config.Rungs : rungs,
        };
        return true;
    }
}
