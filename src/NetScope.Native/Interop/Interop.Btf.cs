using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    // BTF_KIND_* from include/uapi/linux/btf.h
    internal const uint BTF_KIND_STRUCT = 4;
    internal const uint BTF_KIND_UNION = 5;

    /// <summary>Mirrors struct btf_type (name_off, info, size/type); members follow it in memory.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct btf_type
    {
        public uint name_off;
        public uint info;
        public uint size_or_type;
    }

    /// <summary>Mirrors struct btf_member.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct btf_member
    {
        public uint name_off;
        public uint type;
        public uint offset;
    }

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial SafeBtfHandle btf__parse_elf(string path, nint btf_ext);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial void btf__free(nint btf);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int btf__find_by_name_kind(SafeBtfHandle btf, string type_name, uint kind);

    [LibraryImport(Libraries.Libbpf)]
    internal static unsafe partial btf_type* btf__type_by_id(SafeBtfHandle btf, uint id);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial nint btf__name_by_offset(SafeBtfHandle btf, uint offset);
}
