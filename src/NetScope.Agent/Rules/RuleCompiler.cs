using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using NetScope.Agent.Configuration;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Rules;

/// <summary>
/// Turns validated rules into the XDP maps' contents. Pure: no kernel access, so a reload is fully
/// computed (and can fail) before any map changes.
/// </summary>
internal static class RuleCompiler
{
    /// <summary>Sources never dropped whatever the config says: loopback.</summary>
    private static readonly IPNetwork[] s_alwaysAllowed = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    /// <summary>
    /// Compiles <paramref name="config"/>. Rule ids follow names: a rule that keeps its name keeps its id
    /// (and, when unchanged, its counters and per-source state); new or changed rules are listed in ResetIds.
    /// </summary>
    public static CompiledRuleSet Compile(AgentConfig config, CompiledRuleSet? previous)
    {
        if (config.Rules.Count > HttpFloodLimits.MaxRules)
        {
            throw new ConfigException($"{config.Source}: {config.Rules.Count} rules, at most {HttpFloodLimits.MaxRules}");
        }

        var previousByName = previous?.Rules.ToDictionary(r => r.Name, StringComparer.Ordinal) ?? [];
        var taken = new HashSet<int>();
        var reset = new HashSet<int>();
        var compiled = new List<CompiledRule>();

        // Keep ids of surviving names first, so new rules cannot take them.
        foreach (RuleConfig rule in config.Rules)
        {
            if (previousByName.TryGetValue(rule.Name, out CompiledRule? old))
            {
                taken.Add(old.Id);
            }
        }

        foreach (RuleConfig rule in config.Rules)
        {
            HfRule kernel = ToKernel(rule);
            int id;
            if (previousByName.TryGetValue(rule.Name, out CompiledRule? old))
            {
                id = old.Id;
                if (!SameKernelRule(old.Kernel, kernel) || !old.Sources.SequenceEqual(rule.Sources))
                {
                    reset.Add(id);
                }
            }
            else
            {
                id = FreeId(taken, previous);
                taken.Add(id);
                reset.Add(id);
            }

            compiled.Add(new CompiledRule(id, rule.Name, kernel) { Sources = rule.Sources });
        }

        compiled.Sort((a, b) => a.Id.CompareTo(b.Id));
        return new CompiledRuleSet(
            (previous?.Generation ?? 0) + 1,
            compiled,
            FoldSources(compiled),
            AllowList(config),
            reset);
    }

    /// <summary>Lowest id unused now, preferring ids the previous generation did not use either.</summary>
    private static int FreeId(HashSet<int> taken, CompiledRuleSet? previous)
    {
        var previousIds = previous?.Rules.Select(r => r.Id).ToHashSet() ?? [];
        for (int pass = 0; pass < 2; pass++)
        {
            for (int id = 0; id < HttpFloodLimits.MaxRules; id++)
            {
                if (!taken.Contains(id) && (pass == 1 || !previousIds.Contains(id)))
                {
                    return id;
                }
            }
        }

        throw new ConfigException($"no free rule id: at most {HttpFloodLimits.MaxRules} rules");
    }

    public static unsafe HfRule ToKernel(RuleConfig rule)
    {
        var kernel = new HfRule
        {
            Active = 1,
            Action = rule.Action,
            Mode = rule.Mode,
            CountKind = rule.Count,
            PortCount = (byte)rule.Ports.Count,
            Threshold = rule.Threshold?.Count ?? 0,
            WindowNs = rule.Threshold is { } rate ? (ulong)rate.Window.Ticks * 100 : 0,
            BlockNs = rule.BlockFor is { } block ? (ulong)block.Ticks * 100 : 0,
        };
        foreach (HfMethod method in rule.Methods)
        {
            kernel.MethodMask |= (ushort)(1 << (int)method);
        }

        for (int i = 0; i < rule.Ports.Count; i++)
        {
            kernel.Ports[i] = rule.Ports[i];
        }

        if (rule.PathPrefix is { } path)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(path);
            kernel.PathLen = (byte)bytes.Length;
            bytes.CopyTo(new Span<byte>(kernel.PathPrefix, HttpFloodLimits.PathPrefixMax));
        }

        return kernel;
    }

    /// <summary>
    /// One entry per distinct source prefix of any rule; its mask holds every rule with a source that
    /// contains the prefix, because the kernel's LPM lookup returns only the longest match.
    /// </summary>
    public static List<KeyValuePair<HfLpmKey, ulong>> FoldSources(IReadOnlyList<CompiledRule> rules)
    {
        var sourcesByRule = rules.Select(r => (r.Id, Prefixes: r.Sources.Count == 0 ? [new LpmPrefix(UInt128.Zero, 0)] : r.Sources.Select(LpmPrefix.From).ToList())).ToList();
        var prefixes = sourcesByRule.SelectMany(r => r.Prefixes).Distinct().OrderBy(p => p.Length).ThenBy(p => p.Address);
        var entries = new List<KeyValuePair<HfLpmKey, ulong>>();
        foreach (LpmPrefix prefix in prefixes)
        {
            ulong mask = 0;
            foreach ((int id, List<LpmPrefix> ruleSources) in sourcesByRule)
            {
                if (ruleSources.Any(source => source.Contains(prefix)))
                {
                    mask |= 1UL << id;
                }
            }

            entries.Add(new(prefix.ToKey(), mask));
        }

        return entries;
    }

    private static List<HfLpmKey> AllowList(AgentConfig config)
    {
        var prefixes = config.Allow.Concat(s_alwaysAllowed).Select(LpmPrefix.From).ToList();
        if (!config.Listen.Address.Equals(IPAddress.Any) && !config.Listen.Address.Equals(IPAddress.IPv6Any))
        {
            prefixes.Add(LpmPrefix.From(config.Listen.Address));
        }

        return prefixes.Distinct().Select(p => p.ToKey()).ToList();
    }

    private static bool SameKernelRule(HfRule a, HfRule b) =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<HfRule>(in a)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<HfRule>(in b)));
}
