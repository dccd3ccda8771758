using System.Net;
using System.Net.Sockets;

namespace NetScope.Agent.Decoding;

/// <summary>
/// The 16-byte addresses of bpf/http_flood.h: network order, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d).
/// </summary>
internal static class FloodAddress
{
    public const int Length = 16;

    /// <summary>The address as users know it: IPv4 for mapped addresses, IPv6 otherwise.</summary>
    public static IPAddress ToIPAddress(ReadOnlySpan<byte> address)
    {
        var ip = new IPAddress(address[..Length]);
        return ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
    }

    /// <summary>Writes <paramref name="address"/> in the kernel's form into <paramref name="destination"/> (16 bytes).</summary>
    public static void Write(IPAddress address, Span<byte> destination)
    {
        IPAddress v6 = address.AddressFamily == AddressFamily.InterNetwork ? address.MapToIPv6() : address;
        if (!v6.TryWriteBytes(destination[..Length], out _))
        {
            throw new ArgumentException($"Address {address} does not fit 16 bytes.", nameof(address));
        }
    }
}
