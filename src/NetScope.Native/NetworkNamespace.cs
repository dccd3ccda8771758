using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace NetScope.Native;

/// <summary>
/// Moves the calling thread into a named network namespace (one made by `ip netns add`, bound at
/// /run/netns/NAME). setns(2) acts on the thread, not the process: sockets a thread creates afterwards
/// live in that namespace, so callers use a dedicated thread that never returns to the pool.
/// </summary>
public static class NetworkNamespace
{
    /// <summary>Where `ip netns add` binds named namespaces.</summary>
    public const string NamedNamespaceDirectory = "/run/netns";

    /// <summary>Joins the namespace <paramref name="name"/> on the calling thread; throws naming it on failure.</summary>
    public static void EnterOnThisThread(string name)
    {
        string path = Path.Combine(NamedNamespaceDirectory, name);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path);
        }
        catch (FileNotFoundException)
        {
            throw BpfErrors.Create(Errno.ENOENT, "open network namespace", path);
        }

        using (handle)
        {
            if (Interop.setns(handle.DangerousGetHandle().ToInt32(), Interop.CLONE_NEWNET) != 0)
            {
                throw BpfErrors.Create(Marshal.GetLastPInvokeError(), "setns", path);
            }
        }
    }
}
