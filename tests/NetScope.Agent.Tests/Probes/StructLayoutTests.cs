using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Agent.Tests.Probes;

/// <summary>Every C struct shared with C# has the same size and member offsets as its mirror (read from BTF).</summary>
public sealed class StructLayoutTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("netscope-btf-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, string, Type> SharedStructs => new()
    {
        { "tcp_latency", "tcp_lat_key", typeof(TcpLatKey) },
        { "tcp_latency", "tcp_lat_hist", typeof(TcpLatHist) },
        { "tcp_latency", "tcp_series_stats", typeof(TcpSeriesStats) },
        { "tcp_latency", "tcp_series", typeof(TcpSeries) },
        { "tcp_latency", "tcp_series_slot", typeof(TcpSeriesSlot) },
        { "tcp_latency", "tcp_event", typeof(TcpEventRecord) },
        { "tcp_latency", "tcp_latency_cfg", typeof(TcpLatencyConfig) },
        { "tcp_latency", "tcp_recv_time_state", typeof(TcpReceiveTimeState) },
        { "http_flood", "hf_lpm_key", typeof(HfLpmKey) },
        { "http_flood", "hf_rule", typeof(HfRule) },
        { "http_flood", "hf_state_key", typeof(HfStateKey) },
        { "http_flood", "hf_state", typeof(HfState) },
        { "http_flood", "hf_block_key", typeof(HfBlockKey) },
        { "http_flood", "hf_block", typeof(HfBlock) },
        { "http_flood", "hf_event", typeof(HfEvent) },
    };

    [Theory]
    [MemberData(nameof(SharedStructs))]
    public void MirrorMatchesBtf(string objectName, string structName, Type mirror)
    {
        using var btf = new BtfStructLayouts(EmbeddedBpfObjects.ExtractTo(objectName, _directory));
        BtfStructLayout layout = btf.Get(structName);

        Assert.Equal(layout.Size, SizeOf(mirror));
        var fields = mirror.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public)
            .ToDictionary(f => Normalize(f.Name), f => (int)Marshal.OffsetOf(mirror, f.Name));
        Assert.Equal(layout.MemberOffsets.Count, fields.Count);
        foreach ((string member, int offset) in layout.MemberOffsets)
        {
            Assert.True(fields.TryGetValue(Normalize(member), out int mirrorOffset), $"{mirror.Name} lacks a field for {structName}.{member}");
            Assert.True(offset == mirrorOffset, $"{structName}.{member}: C offset {offset}, C# offset {mirrorOffset}");
        }
    }

    private static string Normalize(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private static int SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;
}
