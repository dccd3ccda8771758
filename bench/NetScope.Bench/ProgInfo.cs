using System.Runtime.InteropServices;

namespace NetScope.Bench;

/// <summary>
/// Reads bpf_prog_info.verified_insns directly: Debian's bpftool 7.1 does not print it, and
/// NetScope.Native keeps its interop internal.
/// </summary>
internal static partial class ProgInfo
{
    // Offsets in struct bpf_prog_info (uapi linux/bpf.h, kernels >= 5.16); the kernel requires the
    // bytes past the fields it knows to be zero, which a zeroed buffer of the full size satisfies.
    private const int InfoSize = 232;
    private const int VerifiedInsnsOffset = 216;

    private const int XlatedProgLenOffset = 20;

    public static uint VerifiedInsns(int progFd) => Field(progFd, VerifiedInsnsOffset);

    public static uint XlatedBytes(int progFd) => Field(progFd, XlatedProgLenOffset);

    private static unsafe uint Field(int progFd, int offset)
    {
        byte* info = stackalloc byte[InfoSize];
        new Span<byte>(info, InfoSize).Clear();
        uint len = InfoSize;
        int err = bpf_obj_get_info_by_fd(progFd, info, &len);
        if (err != 0)
        {
            throw new InvalidOperationException($"bpf_obj_get_info_by_fd failed: {err}");
        }
        return len > offset ? *(uint*)(info + offset) : 0;
    }

    [LibraryImport("libbpf.so.1")]
    private static unsafe partial int bpf_obj_get_info_by_fd(int fd, void* info, uint* infoLen);
}
