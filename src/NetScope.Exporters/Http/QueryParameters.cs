using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace NetScope.Exporters.Http;

/// <summary>Parsing of the API's query parameters; each endpoint words its own error.</summary>
internal static class QueryParameters
{
    /// <summary>
    /// True when <paramref name="name"/> is absent (<paramref name="value"/> keeps its default) or is a whole
    /// number from <paramref name="min"/> to <paramref name="max"/> (stored in <paramref name="value"/>).
    /// </summary>
    public static bool TryOptionalInt(IQueryCollection query, string name, int min, int max, ref int value)
    {
        if (!query.TryGetValue(name, out var raw))
        {
            return true;
        }

        if (!int.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) || parsed < min || parsed > max)
        {
            return false;
        }

        value = parsed;
        return true;
    }
}
