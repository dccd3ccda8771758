using System.Diagnostics.CodeAnalysis;

namespace NetScope.Agent.Top;

/// <summary>Parses `netscope top --agent`: HOST:PORT (plain HTTP) or an http(s):// URL.</summary>
internal static class AgentEndpoint
{
    /// <summary>Where `netscope run` listens by default.</summary>
    public const string Default = "127.0.0.1:9745";

    /// <summary>
    /// The agent's base URI (scheme, host, port; no path). "127.0.0.1:9745", "[::1]:9745" and
    /// "node1:9745" mean http://…; "https://node1:9745" is needed for an agent with TLS (--web-config).
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out Uri? baseUri, [NotNullWhen(false)] out string? error)
    {
        baseUri = null;
        error = null;
        string value = text.Trim();
        bool hasScheme = value.Contains("://", StringComparison.Ordinal);
        if (!Uri.TryCreate(hasScheme ? value : "http://" + value, UriKind.Absolute, out Uri? parsed)
            || parsed.Scheme is not ("http" or "https")
            || string.IsNullOrEmpty(parsed.Host)
            || (!hasScheme && !EndsWithPort(value))
            || parsed.AbsolutePath != "/"
            || !string.IsNullOrEmpty(parsed.Query)
            || !string.IsNullOrEmpty(parsed.UserInfo))
        {
            error = $"--agent '{text}': expected HOST:PORT (e.g. {Default}) or http(s)://HOST:PORT without a path or credentials (pass those with --user)";
            return false;
        }

        baseUri = new Uri(parsed.GetLeftPart(UriPartial.Authority));
        return true;
    }

    // Without a scheme the port is required: a bare host would silently mean port 80.
    private static bool EndsWithPort(string value)
    {
        int colon = value.LastIndexOf(':');
        return colon > value.LastIndexOf(']') && colon < value.Length - 1 && value.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0;
    }
}
