using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    [LibraryImport(Libraries.Libbpf)]
    internal static partial int bpf_link__destroy(nint link);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial int bpf_link__fd(SafeBpfLinkHandle link);

    // enum bpf_attach_type
    internal const int BPF_XDP = 37;

    /// <summary>Leading fields of struct bpf_link_create_opts (libbpf accepts a shorter sz).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct bpf_link_create_opts
    {
        public nuint sz;
        public uint flags;
        public uint pad;
    }

    /// <summary>Creates a bpf_link; returns the link fd (closing it detaches) or a negative errno.</summary>
    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_link_create(int prog_fd, int target_fd, int attach_type, bpf_link_create_opts* opts);
}
