using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetScope.Native;

/// <summary>
/// A map inside a <see cref="BpfObject"/>. Borrowed like <see cref="BpfProgram"/>. Typed operations take
/// unmanaged structs that must mirror the C key/value layouts; sizes are checked on every call.
/// </summary>
public sealed unsafe class BpfMap
{
    private readonly BpfObject _owner;
    private readonly nint _map;

    internal BpfMap(BpfObject owner, nint map)
    {
        _owner = owner;
        _map = map;
        Name = Marshal.PtrToStringUTF8(Interop.bpf_map__name(map)) ?? "?";
    }

    /// <summary>Map name as in the C source.</summary>
    public string Name { get; }

    /// <summary>enum bpf_map_type value.</summary>
    public BpfMapType Type => (BpfMapType)Interop.bpf_map__type(_map);

    /// <summary>Key size in bytes.</summary>
    public int KeySize => (int)Interop.bpf_map__key_size(_map);

    /// <summary>Value size in bytes (per CPU for per-CPU maps).</summary>
    public int ValueSize => (int)Interop.bpf_map__value_size(_map);

    /// <summary>Capacity; may be set only before the object is loaded.</summary>
    public int MaxEntries
    {
        get => (int)Interop.bpf_map__max_entries(_map);
        set => BpfErrors.Check(Interop.bpf_map__set_max_entries(_map, checked((uint)value)), "bpf_map__set_max_entries", Name);
    }

    /// <summary>
    /// Sets what a global-data map (a .rodata*, .data* or .bss* section) holds when load creates it: how user space
    /// sets a program's const volatile configuration between open and load. <typeparamref name="T"/> must mirror the
    /// whole section (libbpf refuses another size, and a map already created).
    /// </summary>
    public void SetInitialValue<T>(in T value)
        where T : unmanaged
    {
        _owner.ThrowIfDisposed();
        fixed (T* v = &value)
        {
            BpfErrors.Check(Interop.bpf_map__set_initial_value(_map, v, (nuint)sizeof(T)), "bpf_map__set_initial_value", Name);
        }
    }

    /// <summary>Whether load creates the map (default true); false for a map no loaded program uses. Set only before load.</summary>
    public bool AutoCreate
    {
        get => Interop.bpf_map__autocreate(_map);
        set => BpfErrors.Check(Interop.bpf_map__set_autocreate(_map, value), "bpf_map__set_autocreate", Name);
    }

    /// <summary>The map fd after load.</summary>
    public int Fd
    {
        get
        {
            _owner.ThrowIfDisposed();
            return BpfErrors.Check(Interop.bpf_map__fd(_map), "bpf_map__fd", Name);
        }
    }

    /// <summary>Whether values are stored once per possible CPU.</summary>
    public bool IsPerCpu => Type is BpfMapType.PercpuHash or BpfMapType.PercpuArray or BpfMapType.LruPercpuHash or BpfMapType.PercpuCgroupStorage;

    /// <summary>Looks up a key; false when absent (ENOENT).</summary>
    public bool TryLookup<TKey, TValue>(in TKey key, out TValue value)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckSizes<TKey, TValue>(perCpu: false);
        TValue result = default;
        fixed (TKey* k = &key)
        {
            if (!LookupRaw(k, &result))
            {
                value = default;
                return false;
            }
        }

        value = result;
        return true;
    }

    /// <summary>
    /// Looks up a per-CPU value into <paramref name="perCpuValues"/> (one element per possible CPU,
    /// see <see cref="PossibleCpus"/>); false when absent.
    /// </summary>
    public bool TryLookupPerCpu<TKey, TValue>(in TKey key, Span<TValue> perCpuValues)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckSizes<TKey, TValue>(perCpu: true);
        if (perCpuValues.Length < PossibleCpus)
        {
            throw new ArgumentException($"Need room for {PossibleCpus} per-CPU values of map '{Name}'.", nameof(perCpuValues));
        }

        fixed (TKey* k = &key)
        fixed (TValue* v = perCpuValues)
        {
            return LookupRaw(k, v);
        }
    }

    /// <summary>
    /// Every element of a per-CPU array of __u64 counters, summed over CPUs, read in one
    /// BPF_MAP_LOOKUP_BATCH syscall instead of one lookup per index.
    /// </summary>
    public ulong[] SumPerCpuCounters()
    {
        if (Type != BpfMapType.PercpuArray || ValueSize != sizeof(ulong) || KeySize != sizeof(uint))
        {
            throw new ArgumentException($"Map '{Name}' ({Type}, {KeySize}-byte keys, {ValueSize}-byte values) is not a per-CPU array of __u64 counters.");
        }

        int entries = MaxEntries, cpus = PossibleCpus;
        uint[] keys = new uint[entries];
        ulong[] values = new ulong[entries * cpus];
        uint count = (uint)entries;
        uint next = 0;
        fixed (uint* k = keys)
        fixed (ulong* v = values)
        {
            int result = Interop.bpf_map_lookup_batch(Fd, null, &next, k, v, &count, null);
            if (result != -Errno.ENOENT)
            {
                BpfErrors.Check(result, "bpf_map_lookup_batch", Name);
            }
        }

        ulong[] totals = new ulong[entries];
        for (int i = 0; i < (int)count; i++)
        {
            ulong sum = 0;
            foreach (ulong value in values.AsSpan(i * cpus, cpus))
            {
                sum += value;
            }

            totals[keys[i]] = sum;
        }

        return totals;
    }

    /// <summary>Inserts or replaces (BPF_ANY) a key's value.</summary>
    public void Update<TKey, TValue>(in TKey key, in TValue value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckSizes<TKey, TValue>(perCpu: false);
        fixed (TKey* k = &key)
        fixed (TValue* v = &value)
        {
            BpfErrors.Check(Interop.bpf_map_update_elem(Fd, k, v, (ulong)flags), "bpf_map_update_elem", Name);
        }
    }

    /// <summary>Inserts or replaces one value per possible CPU.</summary>
    public void UpdatePerCpu<TKey, TValue>(in TKey key, ReadOnlySpan<TValue> perCpuValues, BpfUpdateFlags flags = BpfUpdateFlags.Any)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckSizes<TKey, TValue>(perCpu: true);
        if (perCpuValues.Length < PossibleCpus)
        {
            throw new ArgumentException($"Need {PossibleCpus} per-CPU values for map '{Name}'.", nameof(perCpuValues));
        }

        fixed (TKey* k = &key)
        fixed (TValue* v = perCpuValues)
        {
            BpfErrors.Check(Interop.bpf_map_update_elem(Fd, k, v, (ulong)flags), "bpf_map_update_elem", Name);
        }
    }

    /// <summary>Pushes a value onto a queue or stack map (BPF_MAP_TYPE_QUEUE/STACK take no key).</summary>
    public void Push<TValue>(in TValue value)
        where TValue : unmanaged
    {
        if (Type is not (BpfMapType.Queue or BpfMapType.Stack))
        {
            throw new ArgumentException($"Map '{Name}' ({Type}) is not a queue or stack: use Update.");
        }

        if (Unsafe.SizeOf<TValue>() != ValueSize)
        {
            throw new ArgumentException($"Map '{Name}' has {ValueSize}-byte values; {typeof(TValue).Name} is {Unsafe.SizeOf<TValue>()} bytes.");
        }

        fixed (TValue* v = &value)
        {
            BpfErrors.Check(Interop.bpf_map_update_elem(Fd, null, v, (ulong)BpfUpdateFlags.Any), "bpf_map_update_elem", Name);
        }
    }

    /// <summary>Deletes a key; false when it was absent.</summary>
    public bool Delete<TKey>(in TKey key)
        where TKey : unmanaged
    {
        CheckKeySize<TKey>();
        fixed (TKey* k = &key)
        {
            int result = Interop.bpf_map_delete_elem(Fd, k);
            if (result == -Errno.ENOENT)
            {
                return false;
            }

            BpfErrors.Check(result, "bpf_map_delete_elem", Name);
            return true;
        }
    }

    /// <summary>The key after <paramref name="key"/> (or the first key when null); false at the end.</summary>
    public bool TryGetNextKey<TKey>(TKey? key, out TKey nextKey)
        where TKey : unmanaged
    {
        CheckKeySize<TKey>();
        TKey current = key.GetValueOrDefault();
        TKey next = default;
        int result = Interop.bpf_map_get_next_key(Fd, key.HasValue ? &current : null, &next);
        nextKey = next;
        if (result == -Errno.ENOENT)
        {
            return false;
        }

        BpfErrors.Check(result, "bpf_map_get_next_key", Name);
        return true;
    }

    /// <summary>Every key currently in the map (a snapshot; concurrent changes may skip or repeat keys).</summary>
    public List<TKey> Keys<TKey>()
        where TKey : unmanaged
    {
        var keys = new List<TKey>();
        TKey? current = null;
        while (TryGetNextKey(current, out TKey next) && keys.Count <= MaxEntries)
        {
            keys.Add(next);
            current = next;
        }

        return keys;
    }

    /// <summary>
    /// Inserts or replaces a value given as raw bytes (for data-driven callers such as packet corpora);
    /// lengths must equal the map's key and value sizes (per-CPU maps: one 8-byte aligned slot per CPU).
    /// </summary>
    public void UpdateRaw(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, BpfUpdateFlags flags = BpfUpdateFlags.Any)
    {
        CheckRawLengths(key.Length, value.Length, IsPerCpu);
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            BpfErrors.Check(Interop.bpf_map_update_elem(Fd, k, v, (ulong)flags), "bpf_map_update_elem", Name);
        }
    }

    /// <summary>Looks up a raw key into <paramref name="value"/> (per-CPU maps: one aligned slot per CPU); false when absent.</summary>
    public bool TryLookupRaw(ReadOnlySpan<byte> key, Span<byte> value)
    {
        CheckRawLengths(key.Length, value.Length, IsPerCpu);
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            return LookupRaw(k, v);
        }
    }

    private void CheckRawLengths(int keyLength, int valueLength, bool perCpu)
    {
        int expectedValue = perCpu ? ((ValueSize + 7) & ~7) * PossibleCpus : ValueSize;
        if (keyLength != KeySize || valueLength != expectedValue)
        {
            throw new ArgumentException($"Map '{Name}' takes {KeySize}-byte keys and {expectedValue}-byte values; got {keyLength} and {valueLength}.");
        }
    }

    /// <summary>Number of possible CPUs: the length of a per-CPU value array.</summary>
    public static int PossibleCpus => s_possibleCpus.Value;

    private static readonly Lazy<int> s_possibleCpus = new(() =>
        BpfErrors.Check(Interop.libbpf_num_possible_cpus(), "libbpf_num_possible_cpus", null));

    private bool LookupRaw(void* key, void* value)
    {
        int result = Interop.bpf_map_lookup_elem(Fd, key, value);
        if (result == -Errno.ENOENT)
        {
            return false;
        }

        BpfErrors.Check(result, "bpf_map_lookup_elem", Name);
        return true;
    }

    private void CheckKeySize<TKey>()
        where TKey : unmanaged
    {
        if (Unsafe.SizeOf<TKey>() != KeySize)
        {
            throw new ArgumentException($"Map '{Name}' has {KeySize}-byte keys; {typeof(TKey).Name} is {Unsafe.SizeOf<TKey>()} bytes.");
        }
    }

    private void CheckSizes<TKey, TValue>(bool perCpu)
        where TKey : unmanaged
        where TValue : unmanaged
    {
        CheckKeySize<TKey>();
        // The kernel copies per-CPU values in 8-byte aligned slots.
        int expected = perCpu ? (ValueSize + 7) & ~7 : ValueSize;
        if (perCpu != IsPerCpu || Unsafe.SizeOf<TValue>() != expected)
        {
            throw new ArgumentException(
                $"Map '{Name}' ({Type}) has {ValueSize}-byte values; {typeof(TValue).Name} is {Unsafe.SizeOf<TValue>()} bytes" +
                (perCpu == IsPerCpu ? "." : perCpu ? " and the map is not per-CPU." : " and the map is per-CPU: use the PerCpu methods."));
        }
    }
}

/// <summary>Flags of bpf_map_update_elem.</summary>
public enum BpfUpdateFlags : ulong
{
    /// <summary>BPF_ANY: create or update.</summary>
    Any = 0,
    /// <summary>BPF_NOEXIST: create only.</summary>
    NoExist = 1,
    /// <summary>BPF_EXIST: update only.</summary>
    Exist = 2,
}

/// <summary>enum bpf_map_type (include/uapi/linux/bpf.h), the values the agent meets.</summary>
public enum BpfMapType
{
    /// <summary>BPF_MAP_TYPE_UNSPEC.</summary>
    Unspec = 0,
    /// <summary>BPF_MAP_TYPE_HASH.</summary>
    Hash = 1,
    /// <summary>BPF_MAP_TYPE_ARRAY.</summary>
    Array = 2,
    /// <summary>BPF_MAP_TYPE_PERCPU_HASH.</summary>
    PercpuHash = 5,
    /// <summary>BPF_MAP_TYPE_PERCPU_ARRAY.</summary>
    PercpuArray = 6,
    /// <summary>BPF_MAP_TYPE_LRU_HASH.</summary>
    LruHash = 9,
    /// <summary>BPF_MAP_TYPE_LRU_PERCPU_HASH.</summary>
    LruPercpuHash = 10,
    /// <summary>BPF_MAP_TYPE_LPM_TRIE.</summary>
    LpmTrie = 11,
    /// <summary>BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE.</summary>
    PercpuCgroupStorage = 21,
    /// <summary>BPF_MAP_TYPE_QUEUE.</summary>
    Queue = 22,
    /// <summary>BPF_MAP_TYPE_STACK.</summary>
    Stack = 23,
    /// <summary>BPF_MAP_TYPE_SK_STORAGE.</summary>
    SkStorage = 24,
    /// <summary>BPF_MAP_TYPE_RINGBUF.</summary>
    RingBuf = 27,
}
