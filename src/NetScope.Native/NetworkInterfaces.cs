namespace NetScope.Native;

/// <summary>Interface name ↔ index, for XDP attach.</summary>
public static class NetworkInterfaces
{
    /// <summary>The ifindex of <paramref name="name"/>; throws naming the interface when it does not exist.</summary>
    public static int IndexOf(string name)
    {
        uint index = Interop.if_nametoindex(name);
        if (index == 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            throw BpfErrors.Create(errno == 0 ? Errno.ENODEV : errno, "if_nametoindex", name);
        }

        return (int)index;
    }

    /// <summary>The id of the XDP program attached to an interface, 0 when none.</summary>
    public static unsafe uint AttachedXdpProgramId(int ifindex, string name)
    {
        uint id = 0;
        BpfErrors.Check(Interop.bpf_xdp_query_id(ifindex, 0, &id), "bpf_xdp_query_id", name);
        return id;
    }
}
