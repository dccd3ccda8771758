using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    [LibraryImport(Libraries.Libbpf)]
    internal static partial nint bpf_program__name(nint prog);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial nint bpf_program__section_name(nint prog);

    [LibraryImport(Libraries.Libbpf)]
    [return: MarshalAs(UnmanagedType.U1)]
    internal static partial bool bpf_program__autoload(nint prog);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial int bpf_program__set_autoload(nint prog, [MarshalAs(UnmanagedType.U1)] bool autoload);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial int bpf_program__type(nint prog);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial int bpf_program__set_type(nint prog, int type);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial int bpf_program__fd(nint prog);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial int bpf_program__set_log_level(nint prog, uint log_level);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_program__set_log_buf(nint prog, byte* log_buf, nuint log_size);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial SafeBpfLinkHandle bpf_program__attach(nint prog);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial SafeBpfLinkHandle bpf_program__attach_tracepoint(nint prog, string tp_category, string tp_name);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial SafeBpfLinkHandle bpf_program__attach_raw_tracepoint(nint prog, string tp_name);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial SafeBpfLinkHandle bpf_program__attach_kprobe(nint prog, [MarshalAs(UnmanagedType.U1)] bool retprobe, string func_name);

    /// <summary>Attaches fentry/fexit/fmod_ret/tp_btf programs (BPF trampolines).</summary>
    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial SafeBpfLinkHandle bpf_program__attach_trace(nint prog);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial SafeBpfLinkHandle bpf_program__attach_xdp(nint prog, int ifindex);
}
