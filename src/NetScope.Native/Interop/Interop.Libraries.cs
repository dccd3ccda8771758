namespace NetScope.Native;

internal static partial class Interop
{
    internal static class Libraries
    {
        /// <summary>libbpf 1.x, the Debian package libbpf1.</summary>
        internal const string Libbpf = "libbpf.so.1";

        /// <summary>The C library, for mount(2), if_nametoindex(3), setns(2), vsnprintf(3) and malloc_trim(3).</summary>
        internal const string Libc = "libc";
    }
}
