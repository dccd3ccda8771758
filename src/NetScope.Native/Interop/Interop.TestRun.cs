using System.Runtime.InteropServices;

namespace NetScope.Native;

internal static partial class Interop
{
    /// <summary>Mirrors struct bpf_test_run_opts of libbpf 1.1 (bpf.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct bpf_test_run_opts
    {
        public nuint sz;
        public void* data_in;
        public void* data_out;
        public uint data_size_in;
        public uint data_size_out;
        public void* ctx_in;
        public void* ctx_out;
        public uint ctx_size_in;
        public uint ctx_size_out;
        public uint retval;
        public int repeat;
        public uint duration;
        public uint flags;
        public uint cpu;
        public uint batch_size;
    }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static unsafe partial int bpf_prog_test_run_opts(int prog_fd, bpf_test_run_opts* opts);
}
