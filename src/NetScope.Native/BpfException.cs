namespace NetScope.Native;

/// <summary>A libbpf or bpf(2) call failed. Built only by <see cref="BpfErrors"/>.</summary>
public sealed class BpfException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> already names operation and object.</summary>
    public BpfException(int errno, string operation, string? objectName, string message)
        : base(message)
    {
        Errno = errno;
        Operation = operation;
        ObjectName = objectName;
    }

    /// <summary>Creates an exception without errno details (required by the Exception pattern).</summary>
    public BpfException()
        : this(0, "unknown", null, "A BPF operation failed.")
    {
    }

    /// <summary>Creates an exception without errno details (required by the Exception pattern).</summary>
    public BpfException(string message)
        : this(0, "unknown", null, message)
    {
    }

    /// <summary>Creates an exception without errno details (required by the Exception pattern).</summary>
    public BpfException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = "unknown";
    }

    /// <summary>The positive errno value (EPERM = 1, ENOENT = 2, ...).</summary>
    public int Errno { get; }

    /// <summary>The libbpf function or step that failed, e.g. bpf_object__load.</summary>
    public string Operation { get; }

    /// <summary>The BPF object, program, map or interface the operation was about.</summary>
    public string? ObjectName { get; }
}
