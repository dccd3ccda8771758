namespace NetScope.Native;

/// <summary>errno values used by the agent's decisions (asm-generic/errno-base.h, errno.h).</summary>
public static class Errno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;
    /// <summary>No such file or directory.</summary>
    public const int ENOENT = 2;
    /// <summary>Interrupted system call (a signal arrived during a blocking call).</summary>
    public const int EINTR = 4;
    /// <summary>Try again.</summary>
    public const int EAGAIN = 11;
    /// <summary>Out of memory.</summary>
    public const int ENOMEM = 12;
    /// <summary>Permission denied.</summary>
    public const int EACCES = 13;
    /// <summary>Device or resource busy.</summary>
    public const int EBUSY = 16;
    /// <summary>File exists.</summary>
    public const int EEXIST = 17;
    /// <summary>No such device.</summary>
    public const int ENODEV = 19;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>Argument list too long (verifier: program too large).</summary>
    public const int E2BIG = 7;
    /// <summary>Function not implemented.</summary>
    public const int ENOSYS = 38;
    /// <summary>Operation not supported.</summary>
    public const int EOPNOTSUPP = 95;
    /// <summary>libbpf: kernel does not support the feature (ENOTSUPP, internal to the kernel).</summary>
    public const int ENOTSUPP = 524;
}
