using System.Runtime.InteropServices;

namespace NetScope.Native;

/// <summary>A struct's size and member byte offsets as the compiler laid them out (from BTF).</summary>
/// <param name="Name">Struct name.</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="MemberOffsets">Member name → byte offset.</param>
public sealed record BtfStructLayout(string Name, int Size, IReadOnlyDictionary<string, int> MemberOffsets);

/// <summary>Reads struct layouts from the BTF of a compiled BPF object, to check the C# mirrors against.</summary>
public sealed unsafe class BtfStructLayouts : IDisposable
{
    private readonly SafeBtfHandle _btf;
    private readonly string _path;

    /// <summary>Parses the .BTF section of the ELF file at <paramref name="path"/>.</summary>
    public BtfStructLayouts(string path)
    {
        _path = path;
        _btf = BpfErrors.CheckHandle(Interop.btf__parse_elf(path, 0), "btf__parse_elf", path);
    }

    /// <summary>The layout of struct <paramref name="name"/>; throws when the object has no such struct.</summary>
    public BtfStructLayout Get(string name)
    {
        int id = Interop.btf__find_by_name_kind(_btf, name, Interop.BTF_KIND_STRUCT);
        if (id < 0)
        {
            throw BpfErrors.Create(-id, "btf__find_by_name_kind", $"{_path}: struct {name}");
        }

        Interop.btf_type* type = Interop.btf__type_by_id(_btf, (uint)id);
        int memberCount = (int)(type->info & 0xffff);
        bool bitfieldOffsets = (type->info & 0x80000000) != 0; // kind_flag: offset holds bitfield size too
        var members = (Interop.btf_member*)(type + 1);
        var offsets = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < memberCount; i++)
        {
            string memberName = Marshal.PtrToStringUTF8(Interop.btf__name_by_offset(_btf, members[i].name_off)) ?? string.Empty;
            uint bits = bitfieldOffsets ? members[i].offset & 0xffffff : members[i].offset;
            if (memberName.Length > 0)
            {
                offsets[memberName] = (int)(bits / 8);
            }
        }

        return new BtfStructLayout(name, (int)type->size_or_type, offsets);
    }

    /// <summary>Frees the parsed BTF.</summary>
    public void Dispose() => _btf.Dispose();
}
