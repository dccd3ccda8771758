using System.Runtime.InteropServices;
using System.Text;

namespace NetScope.Native;

/// <summary>
/// An ELF BPF object: open, configure (autoload, map sizes), load, then find programs and maps.
/// Owns the libbpf object and the copy of the ELF image it was opened from.
/// </summary>
public sealed unsafe class BpfObject : IDisposable
{
    private readonly SafeBpfObjectHandle _handle;
    private void* _image;

    private BpfObject(SafeBpfObjectHandle handle, string name, void* image)
    {
        _handle = handle;
        Name = name;
        _image = image;
    }

    /// <summary>Object name used in messages (e.g. tcp_latency).</summary>
    public string Name { get; }

    /// <summary>Whether <see cref="Load"/> succeeded.</summary>
    public bool IsLoaded { get; private set; }

    internal SafeBpfObjectHandle Handle => _handle;

    /// <summary>Opens an object from an in-memory ELF image (the agent embeds its objects).</summary>
    public static BpfObject OpenMemory(ReadOnlySpan<byte> elf, string name)
    {
        // libbpf parses the image lazily during load, so it gets a native copy that lives as long as the object.
        void* image = NativeMemory.Alloc((nuint)elf.Length);
        elf.CopyTo(new Span<byte>(image, elf.Length));
        byte[] nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* namePtr = nameBytes)
        {
            var opts = new Interop.bpf_object_open_opts
            {
                sz = (nuint)sizeof(Interop.bpf_object_open_opts),
                object_name = namePtr,
            };
            SafeBpfObjectHandle handle = Interop.bpf_object__open_mem(image, (nuint)elf.Length, &opts);
            if (handle.IsInvalid)
            {
                NativeMemory.Free(image);
            }

            return new BpfObject(BpfErrors.CheckHandle(handle, "bpf_object__open_mem", name), name, image);
        }
    }

    /// <summary>Opens an object from an ELF file.</summary>
    public static BpfObject OpenFile(string path)
    {
        SafeBpfObjectHandle handle = Interop.bpf_object__open_file(path, null);
        return new BpfObject(BpfErrors.CheckHandle(handle, "bpf_object__open_file", path), Path.GetFileName(path), null);
    }

    /// <summary>Verifies and loads every program whose autoload is on, and creates the maps.</summary>
    public void Load()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        int result = Interop.bpf_object__load(_handle);

        // Loading parsed (and freed) the kernel's BTF: give that memory back whether or not the load worked.
        NativeHeap.Trim();
        BpfErrors.Check(result, "bpf_object__load", Name);
        IsLoaded = true;
    }

    /// <summary>Finds a program by its C function name.</summary>
    public BpfProgram FindProgram(string name)
    {
        nint prog = Interop.bpf_object__find_program_by_name(_handle, name);
        if (prog == 0)
        {
            throw BpfErrors.Create(Errno.ENOENT, "bpf_object__find_program_by_name", $"{Name}/{name}");
        }

        return new BpfProgram(this, prog);
    }

    /// <summary>Finds a map by name.</summary>
    public BpfMap FindMap(string name)
    {
        nint map = Interop.bpf_object__find_map_by_name(_handle, name);
        if (map == 0)
        {
            throw BpfErrors.Create(Errno.ENOENT, "bpf_object__find_map_by_name", $"{Name}/{name}");
        }

        return new BpfMap(this, map);
    }

    /// <summary>Every program of the object, in ELF order.</summary>
    public IReadOnlyList<BpfProgram> Programs
    {
        get
        {
            var programs = new List<BpfProgram>();
            for (nint prog = Interop.bpf_object__next_program(_handle, 0); prog != 0; prog = Interop.bpf_object__next_program(_handle, prog))
            {
                programs.Add(new BpfProgram(this, prog));
            }

            return programs;
        }
    }

    /// <summary>Every map of the object, including internal .rodata/.bss maps.</summary>
    public IReadOnlyList<BpfMap> Maps
    {
        get
        {
            var maps = new List<BpfMap>();
            for (nint map = Interop.bpf_object__next_map(_handle, 0); map != 0; map = Interop.bpf_object__next_map(_handle, map))
            {
                maps.Add(new BpfMap(this, map));
            }

            return maps;
        }
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_handle.IsClosed, this);

    /// <summary>Closes the object: unloads its programs and frees its maps once no link holds them.</summary>
    public void Dispose()
    {
        _handle.Dispose();
        if (_image != null)
        {
            NativeMemory.Free(_image);
            _image = null;
        }
    }
}
