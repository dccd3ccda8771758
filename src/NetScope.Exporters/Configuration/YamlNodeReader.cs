using System.Globalization;
using System.Net;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetScope.Exporters.Configuration;

/// <summary>
/// Typed access to YAML nodes that records every problem as "source:line:col: message" instead of
/// throwing, so one pass reports all errors of a file. Shared by the agent's config and the web config
/// (it lives here because the exporters cannot reference the agent).
/// </summary>
/// <param name="source">Name that prefixes every message, normally the file's path.</param>
public sealed class YamlNodeReader(string source)
{
    private readonly List<string> _errors = [];

    /// <summary>Every problem found so far, in order.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Records a problem at a position.</summary>
    public void Error(Mark mark, string message) => _errors.Add($"{source}:{mark.Line}:{mark.Column}: {message}");

    /// <summary>Records a problem without a position.</summary>
    public void Error(string message) => _errors.Add($"{source}: {message}");

    /// <summary>
    /// Parses <paramref name="yaml"/> and returns its only document's root, or null when the text is empty
    /// or not YAML (recorded as an error).
    /// </summary>
    public YamlNode? LoadDocument(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            Error(ex.Start, $"not valid YAML: {ex.InnerException?.Message ?? ex.Message}");
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's representation model reports some structural errors without a position.
            Error($"not valid YAML: {ex.Message}");
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            Error(stream.Documents[1].RootNode.Start, "only one YAML document is allowed");
        }

        return stream.Documents[0].RootNode;
    }

    /// <summary>
    /// Calls the handler of each key; unknown keys are errors listing the known ones, prefixed with
    /// <paramref name="what"/> unless <paramref name="isRoot"/> (top-level keys need no context).
    /// </summary>
    public void Mapping(YamlNode node, string what, IReadOnlyDictionary<string, Action<YamlNode>> handlers, bool isRoot = false)
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
                string prefix = isRoot ? string.Empty : what + ": ";
                Error(keyNode.Start, $"{prefix}unknown key '{key}' (known here: {string.Join(", ", handlers.Keys)})");
            }
        }
    }

    /// <summary>The items of a list, each with its node (for positions); an error when not a list.</summary>
    /// <summary>The scalar items of a list, each with its node (for positions).</summary>
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

    /// <summary>A non-empty scalar, or null (recorded as an error).</summary>
    public string? Scalar(YamlNode node, string key)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        Error(node.Start, $"{key}: expected a value");
        return null;
    }

    /// <summary>true or false, or null (recorded as an error).</summary>
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

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or null (recorded as an error).</summary>
    public long? WholeNumber(YamlNode node, string key, long min, long max)
    {
        string? text = Scalar(node, key);
        if (text is null)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value < min || value > max)
        {
            Error(node.Start, $"{key}: '{text}' must be a whole number from {min} to {max}");
            return null;
        }

        return value;
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

    /// <summary>Parses a positive duration with unit ms, s, m or h, at most a year.</summary>
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
