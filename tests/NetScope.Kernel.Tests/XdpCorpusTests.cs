using NetScope.Agent.SelfTest;

namespace NetScope.Kernel.Tests;

/// <summary>
/// Runs the crafted-packet corpus (tests/corpus/xdp, made by generate.py) through bpf/http_flood.bpf.c with
/// BPF_PROG_TEST_RUN, one test per packet. The checking is XdpCorpus's, the same code `netscope selftest
/// --xdp-corpus` runs in the qemu guests of make test-kernels.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class XdpCorpusTests
{
    private static readonly Lazy<XdpCorpus> s_corpus = new(() => XdpCorpus.Load(Path.Combine(NetScope.Tests.Shared.RepoPaths.Root, "tests", "corpus", "xdp")));

    public static TheoryData<string> PacketNames() => [.. s_corpus.Value.PacketNames];

    [Fact]
    public void CorpusHasAtLeastFortyPackets() => Assert.True(s_corpus.Value.PacketNames.Count >= 40);

    [SkippableTheory]
    [MemberData(nameof(PacketNames))]
    public void PacketGetsItsVerdictAndCounters(string name)
    {
        KernelTestGuard.Require();
        TestKernel.Prepare();
        string? problem = s_corpus.Value.Run(name);
        Assert.True(problem is null, $"{name}: {problem}");
    }
}
