using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    // enum libbpf_print_level
    internal const int LIBBPF_WARN = 0;
    internal const int LIBBPF_INFO = 1;
    internal const int LIBBPF_DEBUG = 2;

    /// <summary>Sets libbpf's print callback: int (*)(enum libbpf_print_level, const char *, va_list).</summary>
    [LibraryImport(Libraries.Libbpf)]
    internal static unsafe partial nint libbpf_set_print(delegate* unmanaged<int, byte*, nint, int> fn);

    /// <summary>Formats libbpf's message; on x86_64 a va_list argument is passed as a pointer.</summary>
    [LibraryImport(Libraries.Libc)]
    internal static unsafe partial int vsnprintf(byte* buffer, nuint size, byte* format, nint args);
}
