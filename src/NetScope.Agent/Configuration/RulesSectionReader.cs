using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using NetScope.Agent.Probes;
using NetScope.Exporters.Configuration;
using YamlDotNet.RepresentationModel;

namespace NetScope.Agent.Configuration;

/// <summary>Reads and validates `interfaces`, `allow` and `rules` (docs/rules.md) with positioned errors.</summary>
internal sealed partial class RulesSectionReader(YamlNodeReader reader)
{
    private static readonly Dictionary<string, HfMethod> s_methods = new(StringComparer.Ordinal)
    {
        ["GET"] = HfMethod.Get, ["HEAD"] = HfMethod.Head, ["POST"] = HfMethod.Post, ["PUT"] = HfMethod.Put,
        ["DELETE"] = HfMethod.Delete, ["OPTIONS"] = HfMethod.Options, ["PATCH"] = HfMethod.Patch,
        ["CONNECT"] = HfMethod.Connect, ["TRACE"] = HfMethod.Trace,
    };

    private static readonly Dictionary<string, HfAction> s_actions = new() { ["alert"] = HfAction.Alert, ["drop"] = HfAction.Drop };
    private static readonly Dictionary<string, HfMode> s_modes = new() { ["enforce"] = HfMode.Enforce, ["shadow"] = HfMode.Shadow };
    private static readonly Dictionary<string, HfCountKind> s_counts = new() { ["requests"] = HfCountKind.Requests, ["connections"] = HfCountKind.Connections };

    public List<string> ReadInterfaces(YamlNode node)
    {
        var names = new List<string>();
        foreach ((YamlNode item, string text) in reader.Sequence(node, "interfaces"))
        {
            if (!InterfaceName().IsMatch(text))
            {
                reader.Error(item.Start, $"interfaces: '{text}' is not a network interface name");
            }
            else if (names.Contains(text))
            {
                reader.Error(item.Start, $"interfaces: '{text}' is listed twice");
            }
            else
            {
                names.Add(text);
            }
        }

        return names;
    }

    public List<IPNetwork> ReadNetworks(YamlNode node, string key)
    {
        var networks = new List<IPNetwork>();
        foreach ((YamlNode item, string text) in reader.Sequence(node, key))
        {
            if (reader.Network(item, key, text) is { } network)
            {
                networks.Add(network);
            }
        }

        return networks;
    }

    public List<RuleConfig> ReadRules(YamlNode node)
    {
        var rules = new List<RuleConfig>();
        if (node is not YamlSequenceNode sequence)
        {
            reader.Error(node.Start, "rules: expected a list of rules (each starting with '- name: ...')");
            return rules;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (YamlNode item in sequence.Children)
        {
            if (ReadRule(item, rules.Count) is { } rule)
            {
                if (!names.Add(rule.Name))
                {
                    reader.Error(item.Start, $"rule '{rule.Name}': duplicate name (names identify rules in metrics and across reloads)");
                }

                rules.Add(rule);
            }
        }

        if (rules.Count > HttpFloodLimits.MaxRules)
        {
            reader.Error(sequence.Start, $"rules: {rules.Count} rules, but the XDP maps hold at most {HttpFloodLimits.MaxRules}");
        }

        return rules;
    }

    private RuleConfig? ReadRule(YamlNode node, int index)
    {
        string? name = null;
        List<ushort> ports = [];
        List<HfMethod> methods = [];
        List<IPNetwork> sources = [];
        string? pathPrefix = null;
        bool hasMatch = false, confirmed = false;
        YamlNode? matchNode = null, blockNode = null, thresholdNode = null;
        HfCountKind count = HfCountKind.Requests;
        Rate? threshold = null;
        HfAction? action = null;
        HfMode mode = HfMode.Enforce;
        TimeSpan? blockFor = null;
        int errorsBefore = reader.Errors.Count;
        string label = $"rules[{index}]";

        reader.Mapping(node, label, new Dictionary<string, Action<YamlNode>>
        {
            ["name"] = value =>
            {
                name = reader.Scalar(value, $"{label}.name");
                if (name is not null && !RuleName().IsMatch(name))
                {
                    reader.Error(value.Start, $"{label}.name: '{name}' must be 1-63 characters of a-z, 0-9, '-' or '_', starting with a letter");
                }
            },
            ["match"] = value =>
            {
                matchNode = value;
                hasMatch = true;
                reader.Mapping(value, $"{label}.match", new Dictionary<string, Action<YamlNode>>
                {
                    ["ports"] = v => ports = ReadPorts(v, $"{label}.match.ports"),
                    ["methods"] = v => methods = ReadMethods(v, $"{label}.match.methods"),
                    ["path_prefix"] = v => pathPrefix = ReadPath(v, $"{label}.match.path_prefix"),
                    ["sources"] = v => sources = ReadNetworks(v, $"{label}.match.sources"),
                });
            },
            ["count"] = value => count = reader.Choice(value, $"{label}.count", s_counts) ?? count,
            ["threshold"] = value =>
            {
                thresholdNode = value;
                threshold = ReadRate(value, $"{label}.threshold");
            },
            ["action"] = value => action = reader.Choice(value, $"{label}.action", s_actions),
            ["mode"] = value => mode = reader.Choice(value, $"{label}.mode", s_modes) ?? mode,
            ["block_for"] = value =>
            {
                blockNode = value;
                string? text = reader.Scalar(value, $"{label}.block_for");
                blockFor = text is null ? null : reader.Duration(value, $"{label}.block_for", text);
            },
            ["confirm_drop_all"] = value => confirmed = reader.Boolean(value, $"{label}.confirm_drop_all") ?? false,
        });

        if (node is not YamlMappingNode)
        {
            return null;
        }

        if (name is null)
        {
            reader.Error(node.Start, $"{label}: 'name' is required");
            return null;
        }

        string where = $"rule '{name}'";
        if (action is null && reader.Errors.Count == errorsBefore)
        {
            reader.Error(node.Start, $"{where}: 'action' is required (alert or drop)");
        }

        bool clean = reader.Errors.Count == errorsBefore;
        if (clean && (!hasMatch || (ports.Count == 0 && methods.Count == 0 && pathPrefix is null && sources.Count == 0)))
        {
            reader.Error((matchNode ?? node).Start, $"{where}: empty match: name at least one of ports, methods, path_prefix, sources (use sources: [0.0.0.0/0, ::/0] to mean every source)");
        }

        if (count == HfCountKind.Connections && (methods.Count > 0 || pathPrefix is not null))
        {
            reader.Error((matchNode ?? node).Start, $"{where}: count: connections counts TCP SYNs, which carry no HTTP method or path; remove methods/path_prefix");
        }

        if (blockFor is not null && (action != HfAction.Drop || threshold is null))
        {
            reader.Error((blockNode ?? node).Start, $"{where}: block_for needs action: drop and a threshold (a static rule drops every match already)");
        }

        if (thresholdNode is null && action == HfAction.Drop && CoversEverySource(sources) && !confirmed)
        {
            reader.Error(node.Start, $"{where}: a drop rule without a threshold would drop every matching packet from every source; add a threshold, restrict match.sources, or set confirm_drop_all: true");
        }

        return new RuleConfig
        {
            Name = name,
            Ports = ports,
            Methods = methods,
            PathPrefix = pathPrefix,
            Sources = sources,
            Count = count,
            Threshold = threshold,
            Action = action ?? HfAction.Alert,
            Mode = mode,
            BlockFor = blockFor,
        };
    }

    /// <summary>Whether the sources include every IPv4 or every IPv6 address (an empty list means any).</summary>
    public static bool CoversEverySource(IReadOnlyList<IPNetwork> sources) =>
        sources.Count == 0 || sources.Any(s => s.PrefixLength == 0);

    private List<ushort> ReadPorts(YamlNode node, string key)
    {
        var ports = new List<ushort>();
        foreach ((YamlNode item, string text) in reader.Sequence(node, key))
        {
            if (!ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ushort port) || port == 0)
            {
                reader.Error(item.Start, $"{key}: '{text}' is not a TCP port (1-65535)");
            }
            else if (!ports.Contains(port))
            {
                ports.Add(port);
            }
        }

        if (ports.Count > HttpFloodLimits.MaxPorts)
        {
            reader.Error(node.Start, $"{key}: {ports.Count} ports, at most {HttpFloodLimits.MaxPorts} per rule");
        }

        return ports;
    }

    private List<HfMethod> ReadMethods(YamlNode node, string key)
    {
        var methods = new List<HfMethod>();
        foreach ((YamlNode item, string text) in reader.Sequence(node, key))
        {
            if (!s_methods.TryGetValue(text, out HfMethod method))
            {
                reader.Error(item.Start, $"{key}: '{text}' is not one of {string.Join(", ", s_methods.Keys)} (upper case, as on the wire)");
            }
            else if (!methods.Contains(method))
            {
                methods.Add(method);
            }
        }

        return methods;
    }

    private string? ReadPath(YamlNode node, string key)
    {
        string? text = reader.Scalar(node, key);
        if (text is null)
        {
            return null;
        }

        if (!text.StartsWith('/') || text.Any(c => c <= ' ' || c > '~'))
        {
            reader.Error(node.Start, $"{key}: '{text}' must start with '/' and hold printable ASCII without spaces");
            return null;
        }

        if (text.Length > HttpFloodLimits.PathPrefixMax)
        {
            reader.Error(node.Start, $"{key}: '{text}' is {text.Length} bytes; XDP compares at most {HttpFloodLimits.PathPrefixMax}");
            return null;
        }

        return text;
    }

    private Rate? ReadRate(YamlNode node, string key)
    {
        string? text = reader.Scalar(node, key);
        if (text is null)
        {
            return null;
        }

        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0
            && uint.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out uint count)
            && count > 0
            && YamlNodeReader.TryParseDuration(text[(slash + 1)..] is var unit && char.IsDigit(unit.FirstOrDefault()) ? unit : "1" + unit, out TimeSpan window))
        {
            return new Rate(count, window);
        }

        reader.Error(node.Start, $"{key}: '{text}' is not a rate like 50/1s or 1000/10s (requests per source per window; count >= 1)");
        return null;
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,62}$")]
    private static partial Regex RuleName();

    [GeneratedRegex("^[A-Za-z0-9_.:@-]{1,15}$")]
    private static partial Regex InterfaceName();
}
