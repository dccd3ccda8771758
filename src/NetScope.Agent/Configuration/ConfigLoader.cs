using System.Net;
using NetScope.Agent.Hosting;
using NetScope.Agent.Probes;
using NetScope.Native;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetScope.Agent.Configuration;

/// <summary>
/// Parses and validates the YAML config. It walks YamlDotNet's node tree rather than deserialising, so
/// every error (unknown key, wrong type, bad value) names source:line:col; all errors are reported at once.
/// </summary>
internal sealed class ConfigLoader
{
    private readonly string _source;
    private readonly List<string> _errors = [];

    private ConfigLoader(string source) => _source = source;

    /// <summary>Loads a file; throws <see cref="ConfigException"/> listing every problem.</summary>
    public static AgentConfig LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the config file: {ex.Message}");
        }

        return Parse(text, path);
    }

    /// <summary>Parses YAML text; <paramref name="source"/> prefixes every message.</summary>
    public static AgentConfig Parse(string yaml, string source)
    {
        var loader = new ConfigLoader(source);
        AgentConfig config = loader.Read(yaml);
        if (loader._errors.Count > 0)
        {
            throw new ConfigException(loader._errors);
        }

        return config with { Source = source };
    }

    private AgentConfig Read(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            Error(ex.Start, $"not valid YAML: {ex.InnerException?.Message ?? ex.Message}");
            return new AgentConfig();
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's representation model reports some structural errors without a position.
            _errors.Add($"{_source}: not valid YAML: {ex.Message}");
            return new AgentConfig();
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new AgentConfig();
        }

        if (stream.Documents.Count > 1)
        {
            Error(stream.Documents[1].RootNode.Start, "only one YAML document is allowed");
        }

        var config = new AgentConfig();
        YamlMappingNode? root = AsMapping(stream.Documents[0].RootNode, "the config");
        if (root is null)
        {
            return config;
        }

        foreach ((YamlNode keyNode, YamlNode value) in root.Children)
        {
            switch (Key(keyNode))
            {
                case "listen":
                    config = config with { Listen = ReadListen(value) ?? config.Listen };
                    break;
                case "probes":
                    config = ReadProbes(value, config);
                    break;
                case "interfaces":
                    config = config with { Interfaces = ReadInterfaces(value) };
                    break;
                default:
                    UnknownKey(keyNode, "listen, probes, interfaces");
                    break;
            }
        }

        return config;
    }

    private IPEndPoint? ReadListen(YamlNode node)
    {
        string? text = Scalar(node, "listen");
        if (text is null)
        {
            return null;
        }

        if (!ListenAddress.TryParse(text, out IPEndPoint? endpoint, out _))
        {
            Error(node.Start, $"listen: '{text}' is not ADDRESS:PORT (e.g. 127.0.0.1:9745 or [::1]:9745)");
        }

        return endpoint;
    }

    private AgentConfig ReadProbes(YamlNode node, AgentConfig config)
    {
        YamlMappingNode? probes = AsMapping(node, "probes");
        if (probes is null)
        {
            return config;
        }

        foreach ((YamlNode keyNode, YamlNode value) in probes.Children)
        {
            if (Key(keyNode) != "rungs")
            {
                UnknownKey(keyNode, "rungs");
                continue;
            }

            var rungs = new HashSet<HookRung>();
            foreach ((YamlNode item, string text) in Sequence(value, "probes.rungs"))
            {
                if (!Names.TryParse(text, out HookRung rung))
                {
                    Error(item.Start, $"probes.rungs: '{text}' is not one of fentry, kprobe, tracepoint");
                }
                else if (!rungs.Add(rung))
                {
                    Error(item.Start, $"probes.rungs: '{text}' is listed twice");
                }
            }

            if (rungs.Count == 0 && value is YamlSequenceNode)
            {
                Error(value.Start, "probes.rungs: at least one rung is needed");
            }

            config = config with { Rungs = rungs.Count == 0 ? config.Rungs : rungs };
        }

        return config;
    }

    private List<string> ReadInterfaces(YamlNode node)
    {
        var names = new List<string>();
        foreach ((YamlNode item, string text) in Sequence(node, "interfaces"))
        {
            Error(item.Start, $"interfaces: '{text}': the XDP flood filter is not available in this build; use interfaces: []");
            names.Add(text);
        }

        return names;
    }

    private IEnumerable<(YamlNode Node, string Text)> Sequence(YamlNode node, string key)
    {
        if (node is not YamlSequenceNode sequence)
        {
            Error(node.Start, $"{key}: expected a list, e.g. [a, b]");
            yield break;
        }

        foreach (YamlNode item in sequence.Children)
        {
            string? text = Scalar(item, key);
            if (text is not null)
            {
                yield return (item, text);
            }
        }
    }

    private string? Scalar(YamlNode node, string key)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        Error(node.Start, $"{key}: expected a value");
        return null;
    }

    private YamlMappingNode? AsMapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        Error(node.Start, $"{what}: expected a mapping of keys to values");
        return null;
    }

    private static string Key(YamlNode node) => node is YamlScalarNode { Value: { } value } ? value : string.Empty;

    private void UnknownKey(YamlNode keyNode, string known) =>
        Error(keyNode.Start, $"unknown key '{Key(keyNode)}' (known here: {known})");

    private void Error(Mark mark, string message) => _errors.Add($"{_source}:{mark.Line}:{mark.Column}: {message}");
}
