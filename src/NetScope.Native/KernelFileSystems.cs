using Microsoft.Extensions.Logging;

namespace NetScope.Native;

/// <summary>
/// Makes sure the pseudo file systems BPF needs are mounted: tracefs (classic tracepoint and kprobe
/// attach read event ids from it) and bpffs (pinning). A fresh machine has neither.
/// </summary>
public static class KernelFileSystems
{
    /// <summary>Where libbpf looks for tracefs when debugfs is not mounted.</summary>
    public const string TraceFsPath = "/sys/kernel/tracing";

    /// <summary>The conventional bpffs mount point.</summary>
    public const string BpfFsPath = "/sys/fs/bpf";

    /// <summary>Mounts tracefs and bpffs where missing; throws a BpfException saying what to mount on failure.</summary>
    public static void EnsureMounted(ILogger logger)
    {
        EnsureMounted("tracefs", TraceFsPath, logger);
        EnsureMounted("bpf", BpfFsPath, logger);
    }

    /// <summary>Whether a file system of <paramref name="type"/> is mounted at <paramref name="path"/>.</summary>
    public static bool IsMounted(string type, string path) => IsMounted(type, path, File.ReadLines("/proc/self/mounts"));

    /// <summary>Parses /proc/self/mounts lines (device, mount point, type, ...).</summary>
    public static bool IsMounted(string type, string path, IEnumerable<string> mountLines)
    {
        foreach (string line in mountLines)
        {
            string[] fields = line.Split(' ');
            if (fields.Length >= 3 && fields[1] == path && fields[2] == type)
            {
                return true;
            }
        }

        return false;
    }

    private static void EnsureMounted(string type, string path, ILogger logger)
    {
        if (IsMounted(type, path))
        {
            return;
        }

        int result = Interop.mount(type, path, type, 0, 0);
        if (result != 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            BpfException inner = BpfErrors.Create(errno, "mount", path);
            throw new BpfException(errno, "mount", path,
                $"{type} is not mounted at {path} and mounting it failed ({inner.Message}). Mount it yourself: 'mount -t {type} {type} {path}' (in Kubernetes, mount the host's {path} into the pod).");
        }

        logger.LogInformation("Mounted {Type} at {Path}", type, path);
    }
}
