using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using NetScope.Agent.Events;
using NetScope.Agent.Probes;
using NetScope.Native;

namespace NetScope.Bench;

/// <summary>
/// Drain rate of the agent's tcp_events reader (TcpEventIngest: ring read in place → decode → the kept-events lists)
/// against a C consumer on libbpf's ring_buffer__poll (bench/ring_consumer.c). Both drain fills written by
/// bench/ring_producer.bpf.c (struct tcp_event records, the agent's default 256 KiB ring); only the drain
/// is timed, the fill is the producer's cost and the same for both. Runs alternate so drift hits both.
/// </summary>
internal static class RingDrainBench
{
    private const int Runs = 11;
    /// <summary>Fills per reader before measuring, twice, with a pause between for the tiered JIT's background compile.</summary>
    private const int WarmUpFills = 100;
    private const int FillsPerRun = 400;
    /// <summary>The agent's default events.keep: per pass, the reader copies the newest this many records of each type out of the ring.</summary>
    private static readonly int s_keep = new NetScope.Agent.Configuration.EventsSettings().Keep;
    /// <summary>An events.keep above a fill's record count (about 2,340): every record is copied out of the ring.</summary>
    private const int KeepEverything = 4096;
    private const double TargetRatio = 0.8;
    private const double TargetRate = 5_000_000;

    public static string Run(string root)
    {
        string obj = Path.Combine(root, "build", "bench", "ring_producer.bpf.o");
        string consumer = Path.Combine(root, "build", "bench", "ring_consumer");
        var c = new List<double>();
        var managed = new List<double>();
        var allocated = new List<long>();
        var bare = new List<double>();
        var everything = new List<double>();
        // One reader for every run, as the agent keeps one, warmed up so the measured runs show its steady state:
        // the walk is one long-running loop per call, which the tiered JIT first runs unoptimized and replaces
        // with optimized code in the background only after enough calls (a 20-fill warm-up measured that).
        using BpfObject producer = BpfObject.OpenFile(obj);
        producer.Load();
        BpfProgram fill = producer.FindProgram("ring_fill");
        using var ingest = new TcpEventIngest(producer.FindMap("bench_events"), s_keep, NullLogger.Instance);
        using var ingestEverything = new TcpEventIngest(producer.FindMap("bench_events"), KeepEverything, NullLogger.Instance);
        // Where the managed reader's time goes: the same direct reader with a handler that only counts (the walk
        // over the ring's headers alone), and the agent's reader keeping every record (one copy per record).
        using var bareRing = new BpfRingBuffer(producer.FindMap("bench_events"));
        var counter = default(CountingHandler);
        for (int warmUp = 0; warmUp < 2; warmUp++)
        {
            ManagedRun(fill, ingest, WarmUpFills, out _);
            ManagedRun(fill, ingestEverything, WarmUpFills, out _);
            HandlerRun(fill, bareRing, ref counter, WarmUpFills);
            Thread.Sleep(500);
        }

        for (int run = 0; run < Runs; run++)
        {
            c.Add(CRun(consumer, obj));
            managed.Add(ManagedRun(fill, ingest, FillsPerRun, out long bytes));
            allocated.Add(bytes);
            bare.Add(HandlerRun(fill, bareRing, ref counter, FillsPerRun));
            everything.Add(ManagedRun(fill, ingestEverything, FillsPerRun, out _));
        }

        double cMed = Repo.Median(c);
        double mMed = Repo.Median(managed);
        double ratio = mMed / cMed;
        long maxAlloc = allocated.Max();
        double bareMed = Repo.Median(bare);
        double everythingMed = Repo.Median(everything);
        var md = new StringBuilder();
        md.AppendLine("## Ring-buffer drain (tcp_events reader)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`bench/ring_producer.bpf.c` (BPF_PROG_TYPE_SYSCALL, one BPF_PROG_TEST_RUN per fill) writes 104-byte `struct tcp_event`");
        md.AppendLine(CultureInfo.InvariantCulture, $"records into a 256 KiB ring (the agent's default) until it is full; the reader then drains it and only the drain");
        md.AppendLine(CultureInfo.InvariantCulture, $"is timed. {FillsPerRun} fills per run, median of {Runs} runs, C and managed runs alternating. C: `bench/ring_consumer.c`,");
        md.AppendLine(CultureInfo.InvariantCulture, $"libbpf `ring_buffer__poll(rb, 0)` with a callback counting records and checking `type`. Managed: the agent's");
        md.AppendLine(CultureInfo.InvariantCulture, $"`TcpEventIngest`: its `RingBufferPoller`/`BpfRingBuffer` reader of the ring's mmap'd pages; per record `TcpEventDecoder`'s check and a note");
        md.AppendLine(CultureInfo.InvariantCulture, $"of where the record is; at the end of each pass, before its space goes back, the newest `events.keep` ({s_keep}, the default) of each");
        md.AppendLine(CultureInfo.InvariantCulture, $"type copied out under one lock hold (`RecentEvents`). A fill is one pass of about 2,340 records, so the default copies {s_keep} of them;");
        md.AppendLine(CultureInfo.InvariantCulture, $"the row \"keep {KeepEverything:N0}\" copies every one. Drained with `DrainNow()` on this thread (no epoll: the agent's poller reads before it");
        md.AppendLine(CultureInfo.InvariantCulture, $"waits); each run checks that every record produced was received. Allocations: `GC.GetAllocatedBytesForCurrentThread()`");
        md.AppendLine(CultureInfo.InvariantCulture, $"over each measured run, after a warm-up of 2 × {WarmUpFills} fills per reader. Reproduce: `make bench BENCH=ring`.");
        md.AppendLine();
        md.AppendLine("| figure | measured | baseline (C consumer) | target | result |");
        md.AppendLine("|---|---:|---:|---:|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| managed drain rate | {mMed / 1e6:0.0} M events/s (runs: {Join(managed)}) | {cMed / 1e6:0.0} M events/s (runs: {Join(c)}) | ≥ {TargetRate / 1e6:0} M/s | {Repo.Verdict(mMed >= TargetRate)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| ratio managed / C | {ratio:0.00}x | 1.00x | ≥ {TargetRatio:0.0}x | {Repo.Verdict(ratio >= TargetRatio)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| breakdown: the same direct reader with a handler that only counts | {bareMed / 1e6:0.0} M events/s ({bareMed / cMed:0.00}x C; {1e9 / bareMed:0.0} ns/record; C {1e9 / cMed:0.0}, agent's reader {1e9 / mMed:0.0}) | — | — | info |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| the agent's reader with `events.keep: {KeepEverything}` (every record copied out of the ring) | {everythingMed / 1e6:0.0} M events/s ({everythingMed / cMed:0.00}x C; {1e9 / everythingMed:0.0} ns/record) | — | — | info |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| managed bytes allocated per run (steady state) | {maxAlloc:N0} B (max of {Runs}) | — | 0 | {Repo.Verdict(maxAlloc == 0)} |");
        return md.ToString();
    }

    private static string Join(IEnumerable<double> rates) =>
        string.Join(", ", rates.Select(r => (r / 1e6).ToString("0.0", CultureInfo.InvariantCulture)));

    /// <summary>Events/s of the agent's reader over <paramref name="fills"/> fills; <paramref name="allocatedBytes"/> is what this thread allocated meanwhile.</summary>
    private static double ManagedRun(BpfProgram fill, TcpEventIngest ingest, int fills, out long allocatedBytes)
    {
        long receivedBefore = ingest.Received;
        long malformedBefore = ingest.Malformed;
        byte[] args = BitConverter.GetBytes(1u << 20);
        long produced = 0;
        long drainTicks = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < fills; i++)
        {
            produced += BpfTestRun.RunWithContext(fill, args);
            long t0 = Stopwatch.GetTimestamp();
            while (ingest.DrainNow() > 0)
            {
            }
            drainTicks += Stopwatch.GetTimestamp() - t0;
        }
        allocatedBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        long received = ingest.Received - receivedBefore;
        if (received != produced || ingest.Malformed != malformedBefore)
        {
            throw new InvalidOperationException(
                $"managed reader: produced {produced}, received {received}, malformed {ingest.Malformed - malformedBefore}");
        }
        return received / (drainTicks / (double)Stopwatch.Frequency);
    }

    /// <summary>Events/s of <paramref name="ring"/> with <paramref name="handler"/>, over <paramref name="fills"/> fills.</summary>
    private static double HandlerRun<THandler>(BpfProgram fill, BpfRingBuffer ring, ref THandler handler, int fills)
        where THandler : IRingBufferHandler
    {
        byte[] args = BitConverter.GetBytes(1u << 20);
        long records = 0;
        long drainTicks = 0;
        for (int i = 0; i < fills; i++)
        {
            BpfTestRun.RunWithContext(fill, args);
            long t0 = Stopwatch.GetTimestamp();
            int n;
            while ((n = ring.Consume(ref handler)) > 0)
            {
                records += n;
            }
            drainTicks += Stopwatch.GetTimestamp() - t0;
        }
        return records / (drainTicks / (double)Stopwatch.Frequency);
    }

    private static double CRun(string consumer, string obj)
    {
        string output = Repo.ToolOutput(consumer, obj, FillsPerRun.ToString(CultureInfo.InvariantCulture));
        var fields = output.Trim().Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => double.Parse(f[1], CultureInfo.InvariantCulture));
        return fields["records"] / (fields["ns"] / 1e9);
    }

    /// <summary>Counts records and does nothing else.</summary>
    private struct CountingHandler : IRingBufferHandler
    {
        public long Records;

        public void OnRecord(ReadOnlySpan<byte> record) => Records++;

        public readonly void OnBatchEnd()
        {
        }
    }
}
