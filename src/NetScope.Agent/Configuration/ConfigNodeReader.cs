using System.Globalization;
using System.Net;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetScope.Agent.Configuration;

/// <summary>
/// Typed access to YAML nodes that records every problem as "source:line:col: message" instead of
/// throwing, so one pass reports all errors of a file.
/// </summary>
internal sealed class ConfigNodeReader(string source)
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    public void Error(Mark mark, string message) => _errors.Add($"{source}:{mark.Line}:{mark.Column}: {message}");

    public void Error(string message) => _errors.Add($"{source}: {message}");

    /// <summary>Calls the handler of each key; unknown keys are errors listing the known ones.</summary>
    public void Mapping(YamlNode node, string what, IReadOnlyDictionary<string, Action<YamlNode>> handlers)
    {
        if (node is not YamlMappingNode mapping)
        {
            Error(node.Start, $"{what}: expected a mapping of keys to values");
            return;
        }

        foreach ((YamlNode keyNode, YamlNode value) in mapping.Children)
        {
            string key = keyNode is YamlScalarNode { Value: { } k } ? k : string.Empty;
            if (handlers.TryGetValue(key, out Action<YamlNode>? handler))
            {
                handler(value);
            }
            else
            {
                string prefix = what == "the config" ? string.Empty : what + ": ";
                Error(keyNode.Start, $"{prefix}unknown key '{key}' (known here: {string.Join(", ", handlers.Keys)})");
            }
        }
    }

    /// <summary>The items of a list, each with its node (for positions); an error when not a list.</summary>
    public IEnumerable<(YamlNode Node, string Text)> Sequence(YamlNode node, string key)
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

    public string? Scalar(YamlNode node, string key)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        Error(node.Start, $"{key}: expected a value");
        return null;
    }

    public bool? Boolean(YamlNode node, string key)
    {
        string? text = Scalar(node, key);
        switch (text)
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                Error(node.Start, $"{key}: '{text}' is not true or false");
                return null;
        }
    }

    /// <summary>One of <paramref name="choices"/> (exact, lower case).</summary>
    public T? Choice<T>(YamlNode node, string key, IReadOnlyDictionary<string, T> choices)
        where T : struct
    {
        string? text = Scalar(node, key);
        if (text is null)
        {
            return null;
        }

        if (choices.TryGetValue(text, out T value))
        {
            return value;
        }

        Error(node.Start, $"{key}: '{text}' is not one of {string.Join(", ", choices.Keys)}");
        return null;
    }

    /// <summary>A CIDR ("10.0.0.0/8", "2001:db8::/32") or a single address.</summary>
    public IPNetwork? Network(YamlNode node, string key, string text)
    {
        if (IPAddress.TryParse(text, out IPAddress? address) && !text.Contains('/', StringComparison.Ordinal))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (IPNetwork.TryParse(text, out IPNetwork network) && IPAddress.TryParse(text[..slash], out IPAddress? written) && written.Equals(network.BaseAddress))
        {
            return network;
        }

        string reason = text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text[..text.IndexOf('/', StringComparison.Ordinal)], out _)
            ? "prefix length out of range, or host bits set below the prefix (write the network address, e.g. 10.0.0.0/8)"
            : "not an IPv4/IPv6 address or CIDR";
        Error(node.Start, $"{key}: '{text}': {reason}");
        return null;
    }

    /// <summary>A duration: a positive integer with unit ms, s, m or h (e.g. 500ms, 1s, 5m).</summary>
    public TimeSpan? Duration(YamlNode node, string key, string text)
    {
        if (TryParseDuration(text, out TimeSpan duration))
        {
            return duration;
        }

        Error(node.Start, $"{key}: '{text}' is not a duration like 500ms, 10s, 5m or 1h");
        return null;
    }

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        (string unit, double factorMs)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach ((string unit, double factorMs) in units)
        {
            if (text.EndsWith(unit, StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(0, text.Length - unit.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long amount)
                && amount > 0
                && amount * factorMs <= TimeSpan.FromDays(365).TotalMilliseconds)
            {
                duration = TimeSpan.FromMilliseconds(amount * factorMs);
                return true;
            }
        }

        return false;
    }
}
