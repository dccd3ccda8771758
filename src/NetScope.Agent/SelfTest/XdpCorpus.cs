using System.Text.Json;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.SelfTest;

/// <summary>
/// The crafted-packet corpus of bpf/http_flood.bpf.c (tests/corpus/xdp: manifest.json + packets, made by
/// generate.py), run through BPF_PROG_TEST_RUN. For every packet the verdict and the exact delta of every
/// counter must match the manifest, on fresh maps set up by the packet's scenario. One implementation for
/// `netscope selftest --xdp-corpus DIR` (any kernel, e.g. the qemu guests of make test-kernels) and the
/// kernel tests (XdpCorpusTests), so both check the same thing.
/// </summary>
internal sealed class XdpCorpus
{
    /// <summary>HF_CNT_MAX in bpf/http_flood.h.</summary>
    private const int CounterCount = 192;

    private readonly string _directory;
    private readonly JsonElement _root;

    private XdpCorpus(string directory, JsonElement root)
    {
        _directory = directory;
        _root = root;
        PacketNames = root.GetProperty("packets").EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToList();
    }

    /// <summary>The packets' names, in manifest order.</summary>
    public IReadOnlyList<string> PacketNames { get; }

    /// <summary>Reads <paramref name="directory"/>/manifest.json; throws FileNotFoundException or JsonException naming the file.</summary>
    public static XdpCorpus Load(string directory)
    {
        string manifest = Path.Combine(directory, "manifest.json");
        if (!File.Exists(manifest))
        {
            throw new FileNotFoundException($"XDP corpus manifest {manifest} not found (expected tests/corpus/xdp/manifest.json or a copy of that folder)", manifest);
        }

        try
        {
            return new XdpCorpus(directory, JsonDocument.Parse(File.ReadAllText(manifest)).RootElement.Clone());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new JsonException($"{manifest}: not a valid corpus manifest ({ex.Message})", ex);
        }
    }

    /// <summary>Runs one packet on a freshly loaded object; null when everything matched, else what differed.</summary>
    public string? Run(string name)
    {
        JsonElement packet = _root.GetProperty("packets").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);
        JsonElement scenario = _root.GetProperty("scenarios").GetProperty(packet.GetProperty("scenario").GetString()!);
        byte[] frame = File.ReadAllBytes(Path.Combine(_directory, packet.GetProperty("file").GetString()!));

        using BpfObject bpf = BpfObject.OpenMemory(EmbeddedBpfObjects.Read("http_flood"), "http_flood");
        bpf.Load();
        foreach (JsonElement update in scenario.GetProperty("map_updates").EnumerateArray())
        {
            bpf.FindMap(update.GetProperty("map").GetString()!).UpdateRaw(Hex(update, "key"), Hex(update, "value"));
        }

        BpfProgram program = bpf.FindProgram(_root.GetProperty("program").GetString()!);
        BpfMap counters = bpf.FindMap("hf_counters");
        ulong[] before = counters.SumPerCpuCounters();
        uint verdict = 0;
        for (int i = 0; i < packet.GetProperty("repeat").GetInt32(); i++)
        {
            verdict = BpfTestRun.Run(program, frame).ReturnValue;
        }

        var problems = new List<string>();
        string expectedVerdict = packet.GetProperty("expected_verdict").GetString()!;
        if (XdpAction(expectedVerdict) != verdict)
        {
            problems.Add($"verdict {verdict}, expected {expectedVerdict} ({XdpAction(expectedVerdict)})");
        }

        ulong[] after = counters.SumPerCpuCounters();
        var expected = new ulong[CounterCount];
        foreach (JsonElement counter in packet.GetProperty("counters").EnumerateArray())
        {
            expected[counter.GetProperty("index").GetInt32()] = counter.GetProperty("delta").GetUInt64();
        }

        for (int i = 0; i < CounterCount; i++)
        {
            if (expected[i] != after[i] - before[i])
            {
                problems.Add($"counter {i} changed by {after[i] - before[i]}, expected {expected[i]}");
            }
        }

        foreach (JsonElement check in packet.GetProperty("map_checks").EnumerateArray())
        {
            BpfMap map = bpf.FindMap(check.GetProperty("map").GetString()!);
            bool present = map.TryLookupRaw(Hex(check, "key"), new byte[map.IsPerCpu ? ((map.ValueSize + 7) & ~7) * BpfMap.PossibleCpus : map.ValueSize]);
            if (present != check.GetProperty("present").GetBoolean())
            {
                problems.Add($"key {check.GetProperty("key").GetString()} of {map.Name} is {(present ? "present" : "absent")}, expected {(present ? "absent" : "present")}");
            }
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static uint XdpAction(string name) => name switch
    {
        "XDP_ABORTED" => 0,
        "XDP_DROP" => 1,
        "XDP_PASS" => 2,
        "XDP_TX" => 3,
        _ => throw new JsonException($"unknown verdict {name} in the corpus manifest"),
    };

    private static byte[] Hex(JsonElement element, string property) =>
        Convert.FromHexString(element.GetProperty(property).GetString()!.Replace(" ", string.Empty, StringComparison.Ordinal));
}
