using System.Net;
using System.Net.Sockets;

namespace NetScope.Agent.Decoding;

/// <summary>
/// How source addresses appear in the flood API and in alert/block log lines. With truncation on
/// (config `privacy.truncate_source_ips`), an address is shown only as its /24 (IPv4) or /48 (IPv6)
/// network, so the agent's outputs identify networks, not hosts.
/// </summary>
internal static class SourceAddressFormat
{
    public const int IPv4Prefix = 24;
    public const int IPv6Prefix = 48;

    public static string Format(IPAddress address, bool truncate)
    {
        if (!truncate)
        {
            return address.ToString();
        }

        int prefix = address.AddressFamily == AddressFamily.InterNetwork ? IPv4Prefix : IPv6Prefix;
        return new IPNetwork(Mask(address, prefix), prefix).ToString();
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }
}
