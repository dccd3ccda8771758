using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    // XDP_FLAGS_* from include/uapi/linux/if_link.h
    internal const uint XDP_FLAGS_UPDATE_IF_NOEXIST = 1u << 0;
    internal const uint XDP_FLAGS_SKB_MODE = 1u << 1;
    internal const uint XDP_FLAGS_DRV_MODE = 1u << 2;
    internal const uint XDP_FLAGS_HW_MODE = 1u << 3;

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_xdp_attach(int ifindex, int prog_fd, uint flags, void* opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_xdp_detach(int ifindex, uint flags, void* opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_xdp_query_id(int ifindex, int flags, uint* prog_id);
}
