using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace NetScope.Agent.Hosting;

/// <summary>Parses --listen values: "127.0.0.1:9745", "[::1]:9745", "0.0.0.0:9745" or ":9745" (all IPv4 addresses).</summary>
internal static class ListenAddress
{
    public static bool TryParse(string text, [NotNullWhen(true)] out IPEndPoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        error = null;
        string value = text.Trim();
        if (value.StartsWith(':'))
        {
            value = "0.0.0.0" + value;
        }

        // IPEndPoint.TryParse accepts a bare address with port 0; a listen address needs a real port.
        if (!IPEndPoint.TryParse(value, out IPEndPoint? parsed) || parsed.Port == 0)
        {
            error = $"--listen '{text}': expected ADDRESS:PORT with a port of 1-65535, e.g. 127.0.0.1:9745 or [::1]:9745";
            return false;
        }

        endpoint = parsed;
        return true;
    }
}
