namespace NetScope.Native;

/// <summary>The process's C heap (glibc malloc), which libbpf allocates from.</summary>
internal static class NativeHeap
{
    /// <summary>
    /// Returns freed C-heap memory to the kernel. Loading a BPF object makes libbpf parse the kernel's BTF
    /// (several MB) for CO-RE relocations and free it afterwards, but glibc keeps freed memory below its
    /// trim threshold mapped: without this the agent's RSS stays about 10 MB higher for its whole life.
    /// <see cref="BpfObject.Load"/> calls it; cheap (one walk of the free lists). No-op where malloc_trim is missing.
    /// </summary>
    public static void Trim()
    {
        try
        {
            _ = Interop.malloc_trim(0);
        }
        catch (EntryPointNotFoundException)
        {
            // musl and other C libraries without malloc_trim: nothing to return.
        }
    }
}
