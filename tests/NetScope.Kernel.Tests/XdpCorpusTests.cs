using System.Text.Json;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Kernel.Tests;

/// <summary>
/// Runs the crafted-packet corpus (tests/corpus/xdp, made by generate.py) through bpf/http_flood.bpf.c with
/// BPF_PROG_TEST_RUN: for every packet the verdict and the exact delta of every counter must match the
/// manifest, on fresh maps set up by the packet's scenario.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class XdpCorpusTests
{
    private const int CounterCount = 192; // HF_CNT_MAX in bpf/http_flood.h
    private static readonly string s_corpus = Path.Combine(RepoRoot(), "tests", "corpus", "xdp");
    private static readonly Lazy<JsonDocument> s_manifest = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(s_corpus, "manifest.json"))));

    public static TheoryData<string> PacketNames()
    {
        var names = new TheoryData<string>();
        foreach (JsonElement packet in s_manifest.Value.RootElement.GetProperty("packets").EnumerateArray())
        {
            names.Add(packet.GetProperty("name").GetString()!);
        }

        return names;
    }

    [Fact]
    public void CorpusHasAtLeastFortyPackets() => Assert.True(PacketNames().Count >= 40);

    [SkippableTheory]
    [MemberData(nameof(PacketNames))]
    public void PacketGetsItsVerdictAndCounters(string name)
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        JsonElement root = s_manifest.Value.RootElement;
        JsonElement packet = root.GetProperty("packets").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name);
        JsonElement scenario = root.GetProperty("scenarios").GetProperty(packet.GetProperty("scenario").GetString()!);
        byte[] frame = File.ReadAllBytes(Path.Combine(s_corpus, packet.GetProperty("file").GetString()!));

        using BpfObject bpf = BpfObject.OpenMemory(EmbeddedBpfObjects.Read("http_flood"), "http_flood");
        bpf.Load();
        foreach (JsonElement update in scenario.GetProperty("map_updates").EnumerateArray())
        {
            bpf.FindMap(update.GetProperty("map").GetString()!).UpdateRaw(Hex(update, "key"), Hex(update, "value"));
        }

        BpfProgram program = bpf.FindProgram(root.GetProperty("program").GetString()!);
        BpfMap counters = bpf.FindMap("hf_counters");
        ulong[] before = ReadCounters(counters);
        uint verdict = 0;
        for (int i = 0; i < packet.GetProperty("repeat").GetInt32(); i++)
        {
            verdict = BpfTestRun.Run(program, frame).ReturnValue;
        }

        Assert.Equal(XdpAction(packet.GetProperty("expected_verdict").GetString()!), verdict);
        ulong[] after = ReadCounters(counters);
        var expected = new ulong[CounterCount];
        foreach (JsonElement counter in packet.GetProperty("counters").EnumerateArray())
        {
            expected[counter.GetProperty("index").GetInt32()] = counter.GetProperty("delta").GetUInt64();
        }

        for (int i = 0; i < CounterCount; i++)
        {
            Assert.True(expected[i] == after[i] - before[i], $"{name}: counter {i} changed by {after[i] - before[i]}, expected {expected[i]}");
        }

        foreach (JsonElement check in packet.GetProperty("map_checks").EnumerateArray())
        {
            BpfMap map = bpf.FindMap(check.GetProperty("map").GetString()!);
            bool present = map.TryLookupRaw(Hex(check, "key"), new byte[map.IsPerCpu ? ((map.ValueSize + 7) & ~7) * BpfMap.PossibleCpus : map.ValueSize]);
            Assert.Equal(check.GetProperty("present").GetBoolean(), present);
        }
    }

    private static ulong[] ReadCounters(BpfMap counters) => counters.SumPerCpuCounters();

    private static uint XdpAction(string name) => name switch
    {
        "XDP_ABORTED" => 0,
        "XDP_DROP" => 1,
        "XDP_PASS" => 2,
        "XDP_TX" => 3,
        _ => throw new ArgumentException($"unknown verdict {name}"),
    };

    private static byte[] Hex(JsonElement element, string property) =>
        Convert.FromHexString(element.GetProperty(property).GetString()!.Replace(" ", string.Empty, StringComparison.Ordinal));

    private static string RepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetScope.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}
