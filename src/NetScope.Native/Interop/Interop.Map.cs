using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    internal const ulong BPF_ANY = 0;
    internal const ulong BPF_NOEXIST = 1;
    internal const ulong BPF_EXIST = 2;

    [LibraryImport(Libraries.Libbpf)]
    internal static partial int bpf_map__fd(nint map);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial nint bpf_map__name(nint map);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial int bpf_map__type(nint map);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial uint bpf_map__key_size(nint map);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial uint bpf_map__value_size(nint map);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial uint bpf_map__max_entries(nint map);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial int bpf_map__set_max_entries(nint map, uint max_entries);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_map__set_initial_value(nint map, void* data, nuint size);

    [LibraryImport(Libraries.Libbpf)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool bpf_map__autocreate(nint map);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial int bpf_map__set_autocreate(nint map, [MarshalAs(UnmanagedType.U1)] bool autocreate);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_map_lookup_elem(int fd, void* key, void* value);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_map_update_elem(int fd, void* key, void* value, ulong flags);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_map_delete_elem(int fd, void* key);

    /// <summary>Reads up to *count elements in one syscall (BPF_MAP_LOOKUP_BATCH, kernel 5.6+); -ENOENT at the end.</summary>
    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_map_lookup_batch(int fd, void* in_batch, void* out_batch, void* keys, void* values, uint* count, void* opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_map_get_next_key(int fd, void* key, void* next_key);

    /// <summary>The leading fields of struct bpf_map_info; the kernel fills as much as info_len asks for.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct bpf_map_info
    {
        public uint type;
        public uint id;
        public uint key_size;
        public uint value_size;
        public uint max_entries;
        public uint map_flags;
    }

    /// <summary>BPF_OBJ_GET_INFO_BY_FD: the kernel's own view of a map (what libbpf's ring buffer reader sizes itself by).</summary>
    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_obj_get_info_by_fd(int bpf_fd, void* info, uint* info_len);
}
