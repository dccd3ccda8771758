using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    /// <summary>Mirrors struct bpf_object_open_opts of libbpf 1.1 up to kernel_log_level.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct bpf_object_open_opts
    {
        public nuint sz;
        public byte* object_name;
        [MarshalAs(UnmanagedType.U1)] public bool relaxed_maps;
        public byte* pin_root_path;
        public uint attach_prog_fd_removed;
        public byte* kconfig;
        public byte* btf_custom_path;
        public byte* kernel_log_buf;
        public nuint kernel_log_size;
        public uint kernel_log_level;
    }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial SafeBpfObjectHandle bpf_object__open_mem(void* obj_buf, nuint obj_buf_sz, bpf_object_open_opts* opts);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static unsafe partial SafeBpfObjectHandle bpf_object__open_file(string path, bpf_object_open_opts* opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial int bpf_object__load(SafeBpfObjectHandle obj);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial void bpf_object__close(nint obj);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial nint bpf_object__find_program_by_name(SafeBpfObjectHandle obj, string name);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial nint bpf_object__find_map_by_name(SafeBpfObjectHandle obj, string name);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial nint bpf_object__next_program(SafeBpfObjectHandle obj, nint prev);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial nint bpf_object__next_map(SafeBpfObjectHandle obj, nint prev);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial int libbpf_num_possible_cpus();
}
