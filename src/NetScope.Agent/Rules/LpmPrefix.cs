using System.Net;
using System.Net.Sockets;
using NetScope.Agent.Decoding;
using NetScope.Agent.Probes;

namespace NetScope.Agent.Rules;

/// <summary>
/// A network in the XDP maps' 128-bit form: IPv6 as is, IPv4 as ::ffff:a.b.c.d with the prefix length
/// shifted by 96 (docs/xdp-design.md). Value type with structural equality, for folding and diffing.
/// </summary>
internal readonly record struct LpmPrefix(UInt128 Address, int Length)
{
    public static LpmPrefix From(IPNetwork network)
    {
        int length = network.PrefixLength + (network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 96 : 0);
        Span<byte> bytes = stackalloc byte[FloodAddress.Length];
        FloodAddress.Write(network.BaseAddress, bytes);
        return new LpmPrefix(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes), length);
    }

    public static LpmPrefix From(IPAddress address) =>
        From(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));

    /// <summary>Whether every address of <paramref name="other"/> lies in this prefix.</summary>
    public bool Contains(LpmPrefix other) =>
        Length <= other.Length && (Length == 0 || (Address ^ other.Address) >> (128 - Length) == UInt128.Zero);

    public unsafe HfLpmKey ToKey()
    {
        var key = new HfLpmKey { Prefixlen = (uint)Length };
        Span<byte> bytes = new(key.Addr, 16);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, Address);
        return key;
    }
}
