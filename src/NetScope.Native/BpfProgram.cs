using System.Runtime.InteropServices;

namespace NetScope.Native;

/// <summary>
/// A program inside a <see cref="BpfObject"/>. Borrowed: the object owns the native pointer, so this
/// wrapper keeps the object reachable and frees nothing.
/// </summary>
public sealed class BpfProgram
{
    private readonly BpfObject _owner;
    private readonly nint _prog;

    internal BpfProgram(BpfObject owner, nint prog)
    {
        _owner = owner;
        _prog = prog;
        Name = Marshal.PtrToStringUTF8(Interop.bpf_program__name(prog)) ?? "?";
        SectionName = Marshal.PtrToStringUTF8(Interop.bpf_program__section_name(prog)) ?? "?";
    }

    /// <summary>The C function name.</summary>
    public string Name { get; }

    /// <summary>The ELF section, e.g. fentry/tcp_sendmsg.</summary>
    public string SectionName { get; }

    /// <summary>Whether load will verify and load this program. Set before <see cref="BpfObject.Load"/>.</summary>
    public bool Autoload
    {
        get => Interop.bpf_program__autoload(_prog);
        set => BpfErrors.Check(Interop.bpf_program__set_autoload(_prog, value), "bpf_program__set_autoload", Name);
    }

    /// <summary>enum bpf_prog_type value.</summary>
    public int Type
    {
        get => Interop.bpf_program__type(_prog);
        set => BpfErrors.Check(Interop.bpf_program__set_type(_prog, value), "bpf_program__set_type", Name);
    }

    /// <summary>The program fd after load; throws before.</summary>
    public int Fd
    {
        get
        {
            _owner.ThrowIfDisposed();
            return BpfErrors.Check(Interop.bpf_program__fd(_prog), "bpf_program__fd", Name);
        }
    }

    /// <summary>The object that owns the program.</summary>
    public BpfObject Owner => _owner;

    /// <summary>Attaches by section name (libbpf's auto-attach).</summary>
    public BpfLink Attach() => Link(Interop.bpf_program__attach(Checked()), "bpf_program__attach", Name);

    /// <summary>Attaches a classic tracepoint (needs tracefs).</summary>
    public BpfLink AttachTracepoint(string category, string name) =>
        Link(Interop.bpf_program__attach_tracepoint(Checked(), category, name), "bpf_program__attach_tracepoint", $"{category}/{name}");

    /// <summary>Attaches a raw tracepoint.</summary>
    public BpfLink AttachRawTracepoint(string name) =>
        Link(Interop.bpf_program__attach_raw_tracepoint(Checked(), name), "bpf_program__attach_raw_tracepoint", name);

    /// <summary>Attaches a kprobe (or kretprobe) to a kernel function.</summary>
    public BpfLink AttachKprobe(string function, bool returnProbe) =>
        Link(Interop.bpf_program__attach_kprobe(Checked(), returnProbe, function),
            returnProbe ? "bpf_program__attach_kretprobe" : "bpf_program__attach_kprobe", function);

    /// <summary>Attaches fentry/fexit (through a BPF trampoline) or tp_btf (a BTF raw tracepoint); the target comes from the section.</summary>
    public BpfLink AttachTrace() => Link(Interop.bpf_program__attach_trace(Checked()), "bpf_program__attach_trace", SectionName);

    /// <summary>
    /// Attaches XDP through a bpf_link: the program detaches when the link's last fd closes, so a dead
    /// agent fails open. Native (driver) mode first; when the driver refuses it (EOPNOTSUPP/EINVAL, e.g.
    /// virtio with offloads on), generic mode, which works on every interface at a higher cost.
    /// </summary>
    public BpfLink AttachXdp(int ifindex, string interfaceName, out XdpMode mode)
    {
        SafeBpfLinkHandle native = Interop.bpf_program__attach_xdp(Checked(), ifindex);
        if (!native.IsInvalid)
        {
            mode = XdpMode.Native;
            return new BpfLink(native, $"{Name} -> {interfaceName} (xdp native)");
        }

        int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        native.Dispose();
        if (errno is not (Errno.EOPNOTSUPP or Errno.EINVAL or Errno.ENOTSUPP))
        {
            throw BpfErrors.Create(errno, "bpf_program__attach_xdp", $"{Name} -> {interfaceName}");
        }

        unsafe
        {
            var opts = new Interop.bpf_link_create_opts { sz = (nuint)sizeof(Interop.bpf_link_create_opts), flags = Interop.XDP_FLAGS_SKB_MODE };
            int fd = BpfErrors.Check(Interop.bpf_link_create(Fd, ifindex, Interop.BPF_XDP, &opts), "bpf_link_create(xdp generic)", $"{Name} -> {interfaceName}");
            mode = XdpMode.Generic;
            return new BpfLink(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true), $"{Name} -> {interfaceName} (xdp generic)");
        }
    }

    private nint Checked()
    {
        _owner.ThrowIfDisposed();
        return _prog;
    }

    private BpfLink Link(SafeBpfLinkHandle handle, string operation, string target) =>
        new(BpfErrors.CheckHandle(handle, operation, $"{Name} -> {target}"), $"{Name} -> {target}");
}
