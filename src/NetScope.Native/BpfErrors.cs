using System.Runtime.InteropServices;

namespace NetScope.Native;

/// <summary>
/// The one error checkpoint for native calls: libbpf returns a negative errno (int APIs) or NULL with
/// errno set (pointer APIs). Both become a <see cref="BpfException"/> that names the operation and the
/// object and, for EPERM/EACCES, the capability the operation needs.
/// </summary>
public static class BpfErrors
{
    /// <summary>Throws when <paramref name="result"/> is negative; returns it otherwise.</summary>
    public static int Check(int result, string operation, string? objectName)
    {
        if (result < 0)
        {
            throw Create(-result, operation, objectName);
        }

        return result;
    }

    /// <summary>Throws when a C library call returned -1 (the errno comes from the last P/Invoke); returns the result otherwise.</summary>
    public static int CheckErrno(int result, string operation, string? objectName)
    {
        if (result == -1)
        {
            throw Create(Marshal.GetLastPInvokeError(), operation, objectName);
        }

        return result;
    }

    /// <summary>Throws when a pointer API returned NULL; the errno comes from the last P/Invoke.</summary>
    public static T CheckHandle<T>(T handle, string operation, string? objectName)
        where T : SafeHandle
    {
        if (handle.IsInvalid)
        {
            int errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw Create(errno == 0 ? Errno.EINVAL : errno, operation, objectName);
        }

        return handle;
    }

    /// <summary>Builds the exception for an errno; also used by the unit tests of the wording.</summary>
    public static BpfException Create(int errno, string operation, string? objectName) =>
        Create(errno, operation, objectName, Capabilities.ReadEffectiveMask());

    /// <summary>Builds the exception given the process's effective capability mask.</summary>
    public static BpfException Create(int errno, string operation, string? objectName, ulong effectiveCapabilities)
    {
        string target = objectName is null ? string.Empty : $" '{objectName}'";
        string message = $"{operation}{target} failed: {Describe(errno)} (errno {errno})";
        if (errno is Errno.EPERM or Errno.EACCES)
        {
            message += ". " + PermissionHint(operation, effectiveCapabilities);
        }

        return new BpfException(errno, operation, objectName, message);
    }

    /// <summary>The capability an operation needs, by the libbpf function family.</summary>
    public static Capabilities.Capability RequiredCapability(string operation)
    {
        if (operation.Contains("xdp", StringComparison.Ordinal))
        {
            return Capabilities.Capability.CAP_NET_ADMIN;
        }

        if (operation.StartsWith("bpf_program__attach", StringComparison.Ordinal))
        {
            return Capabilities.Capability.CAP_PERFMON;
        }

        if (operation.StartsWith("mount", StringComparison.Ordinal) || operation.StartsWith("setns", StringComparison.Ordinal))
        {
            return Capabilities.Capability.CAP_SYS_ADMIN;
        }

        return Capabilities.Capability.CAP_BPF;
    }

    private static string PermissionHint(string operation, ulong effectiveCapabilities)
    {
        Capabilities.Capability needed = RequiredCapability(operation);
        bool held = Capabilities.HasEffective(needed, effectiveCapabilities)
            || Capabilities.HasEffective(Capabilities.Capability.CAP_SYS_ADMIN, effectiveCapabilities);
        return held
            ? $"The process holds {needed}, so the kernel refused for another reason (for fentry/fexit: no BPF trampoline support; see dmesg or the verifier log)"
            : $"Missing capability {needed}: run as root or grant {needed} (plus CAP_BPF to load programs)";
    }

    private static string Describe(int errno) => errno switch
    {
        Errno.ENOTSUPP => "operation not supported by this kernel",
        _ => Marshal.GetPInvokeErrorMessage(errno),
    };
}
