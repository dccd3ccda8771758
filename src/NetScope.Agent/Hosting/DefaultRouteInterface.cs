using System.Globalization;

namespace NetScope.Agent.Hosting;

/// <summary>
/// Finds the interface holding the IPv4 default route in /proc/net/route, the XDP target when the
/// config has no `interfaces` key.
/// </summary>
internal static class DefaultRouteInterface
{
    public const string ProcNetRoute = "/proc/net/route";

    private const int RtfUp = 0x1; // RTF_UP, include/uapi/linux/route.h

    /// <summary>The interface of the first up route 0.0.0.0/0 in /proc/net/route, or null.</summary>
    public static string? Find()
    {
        try
        {
            return Parse(File.ReadAllText(ProcNetRoute));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Parses /proc/net/route text (header line, then tab-separated Iface, Destination, Gateway, Flags,
    /// RefCnt, Use, Metric, Mask, ...; addresses in hex). Returns the first up route with destination and
    /// mask 00000000, or null.
    /// </summary>
    public static string? Parse(string text)
    {
        using var reader = new StringReader(text);
        _ = reader.ReadLine(); // header
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            string[] fields = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 8)
            {
                continue;
            }

            bool up = int.TryParse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int flags) && (flags & RtfUp) != 0;
            if (up && fields[1] == "00000000" && fields[7] == "00000000")
            {
                return fields[0];
            }
        }

        return null;
    }
}
