using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    [LibraryImport(Libraries.Libbpf)]
    internal static partial int bpf_link__destroy(nint link);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial int bpf_link__fd(SafeBpfLinkHandle link);
}
