using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NetScope.Agent.Decoding;
using NetScope.Agent.Rules;
using NetScope.Native;

namespace NetScope.Agent.Probes;

/// <summary>One live entry of hf_blocks.</summary>
/// <param name="Source">The blocked source.</param>
/// <param name="ExpiresNs">CLOCK_MONOTONIC ns at which the block ends.</param>
/// <param name="RuleId">The rule that wrote the block (its ports and mode apply).</param>
/// <param name="WindowCount">The source's count in its current/last window of that rule (hf_src_state), 0 when unknown.</param>
internal readonly record struct FloodBlockEntry(IPAddress Source, ulong ExpiresNs, int RuleId, uint WindowCount);

/// <summary>
/// bpf/http_flood.bpf.c on one interface: its own object and maps, attached through a bpf_link (a dead
/// agent fails open). Rule sets are written with the slot protocol of docs/xdp-design.md; events are
/// drained on a dedicated thread and logged.
/// </summary>
internal sealed unsafe class HttpFloodProbe : IDisposable
{
    public const string ObjectName = "http_flood";
    public const string ProgramName = "xdp_http_flood";

    // Packets already inside the program may still read the previous slot; the design note asks for
    // at least this long before that slot is rewritten.
    private static readonly TimeSpan s_slotQuiescence = TimeSpan.FromMilliseconds(100);

    private readonly BpfObject _object;
    private readonly BpfLink _link;
    private readonly BpfMap _allow;
    private readonly BpfMap _blocks;
    private readonly BpfMap _rules;
    private readonly BpfMap _activeSlot;
    private readonly BpfMap[] _ruleSources;
    private readonly BpfMap _sourceState;
    private readonly BpfMap _counters;
    private readonly Events.RingBufferPoller<FloodEventHandler> _events;
    private readonly ILogger _logger;
    private readonly Lock _applyGate = new();
    private long _lastFlipTimestamp;
    private volatile CompiledRuleSet? _applied;
    private long _eventsReceived;
    private long _eventsMalformed;

    private readonly bool _truncateSources;

    private HttpFloodProbe(string interfaceName, int interfaceIndex, BpfObject bpf, BpfLink link, ILogger logger, bool truncateSources)
    {
        InterfaceName = interfaceName;
        InterfaceIndex = interfaceIndex;
        _object = bpf;
        _link = link;
        _logger = logger;
        _truncateSources = truncateSources;
        _allow = bpf.FindMap("hf_allow");
        _blocks = bpf.FindMap("hf_blocks");
        _rules = bpf.FindMap("hf_rules");
        _activeSlot = bpf.FindMap("hf_active_slot");
        _ruleSources = [bpf.FindMap("hf_rule_src0"), bpf.FindMap("hf_rule_src1")];
        _sourceState = bpf.FindMap("hf_src_state");
        _counters = bpf.FindMap("hf_counters");
        _events = new Events.RingBufferPoller<FloodEventHandler>(bpf.FindMap("hf_events"), new FloodEventHandler(this), $"hf_events {interfaceName}", logger);
        _events.Start();
    }

    /// <summary>The interface the program is attached to.</summary>
    public string InterfaceName { get; }

    /// <summary>Its ifindex (in the network namespace of the attaching thread).</summary>
    public int InterfaceIndex { get; }

    /// <summary>The last rule set written (and flipped to), or null before the first.</summary>
    public CompiledRuleSet? Applied => _applied;

    /// <summary>hf_events records received since attach.</summary>
    public long EventsReceived => Interlocked.Read(ref _eventsReceived);

    /// <summary>hf_events records too short to decode (a mismatched object).</summary>
    public long EventsMalformed => Interlocked.Read(ref _eventsMalformed);

    /// <summary>Capacity of one of the object's maps (as sized at load).</summary>
    public int MapMaxEntries(string mapName) => _object.FindMap(mapName).MaxEntries;

    /// <summary>
    /// Loads a fresh copy of the object and attaches it to <paramref name="interfaceName"/>, resolved in
    /// the calling thread's network namespace. Every failure names the interface; EPERM on attach names
    /// CAP_NET_ADMIN (see <see cref="BpfErrors"/>).
    /// </summary>
    public static HttpFloodProbe Attach(string interfaceName, ILogger logger, Configuration.XdpLimits? limits = null, bool truncateSources = false)
    {
        BpfObject? bpf = null;
        BpfLink? link = null;
        try
        {
            int ifindex = NetworkInterfaces.IndexOf(interfaceName);
            bpf = BpfObject.OpenMemory(EmbeddedBpfObjects.Read(ObjectName), ObjectName);
            limits ??= new Configuration.XdpLimits();
            bpf.FindMap("hf_src_state").MaxEntries = limits.MaxTrackedSources;
            bpf.FindMap("hf_blocks").MaxEntries = limits.MaxBlockedSources;
            using (LibbpfLogging.DowngradeWarnings())
            {
                // Expected refusals (no CAP_NET_ADMIN, native XDP unsupported) are reported below in one
                // line naming the interface; libbpf's own guesses (e.g. "raise ulimit -l") would mislead.
                bpf.Load();
                // A refused native attach is expected on many virtual NICs; AttachXdp falls back to generic.
                link = bpf.FindProgram(ProgramName).AttachXdp(ifindex, interfaceName, out XdpMode mode);
                logger.LogInformation("XDP HTTP-flood filter attached to {Interface} in {Mode} mode", interfaceName, mode == XdpMode.Native ? "native" : "generic");
            }

            return new HttpFloodProbe(interfaceName, ifindex, bpf, link, logger, truncateSources);
        }
        catch (Exception ex)
        {
            link?.Dispose();
            bpf?.Dispose();
            if (ex is BpfException bpfError)
            {
                // XDP is a networking program type: the kernel wants CAP_NET_ADMIN to load it, not just
                // CAP_BPF, so a generic load error would point at the wrong capability.
                string message = bpfError.Errno is Errno.EPERM or Errno.EACCES && !Capabilities.HasEffective(Capabilities.Capability.CAP_NET_ADMIN)
                    ? $"{bpfError.Operation} failed: missing capability CAP_NET_ADMIN, which XDP programs need to load and attach (the TCP probes do not need it)"
                    : bpfError.Message;
                throw new BpfException(bpfError.Errno, bpfError.Operation, interfaceName,
                    $"XDP HTTP-flood filter on interface '{interfaceName}': {message}");
            }

            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="rules"/> into the inactive slot and flips to it (docs/xdp-design.md, "Filling
    /// rules"); the active slot is untouched until the flip, so a failure leaves the previous rules in force.
    /// Waits when the previous flip is under 100 ms old.
    /// </summary>
    public void Apply(CompiledRuleSet rules)
    {
        lock (_applyGate)
        {
            WaitForSlotQuiescence();

            uint slotKey = 0;
            uint active = _activeSlot.TryLookup(slotKey, out uint current) ? current : 0;
            uint target = 1 - (active & 1);

            // 1. Every entry of the target slot, unused ids included, so nothing of an older generation survives.
            for (int id = 0; id < HttpFloodLimits.MaxRules; id++)
            {
                HfRule value = rules.ById(id)?.Kernel ?? default;
                uint index = (uint)((int)target * HttpFloodLimits.MaxRules + id);
                _rules.Update(index, value);
            }

            // 2. The target slot's source trie, from empty.
            BpfMap sources = _ruleSources[target];
            foreach (HfLpmKey key in sources.Keys<HfLpmKey>())
            {
                sources.Delete(key);
            }

            foreach (KeyValuePair<HfLpmKey, ulong> entry in rules.Sources)
            {
                sources.Update(entry.Key, entry.Value);
            }

            // The allowlist is not double-buffered: add first, so a prefix present in both sets never lapses.
            SyncAllowlist(rules.Allow);

            // 3. One 4-byte write switches every new packet to the new rules.
            _activeSlot.Update(slotKey, target);
            _lastFlipTimestamp = Stopwatch.GetTimestamp();
            _applied = rules;

            // Reused ids start from scratch: an old rule's per-source windows and blocks must not be
            // credited to a different rule that now has its id.
            if (rules.ResetIds.Count > 0)
            {
                DeleteStateOf(rules.ResetIds);
            }
        }
    }

    /// <summary>Every hf_counters entry (enum hf_counter index), summed over CPUs.</summary>
    public ulong[] ReadCounters() => _counters.SumPerCpuCounters();

    /// <summary>
    /// Block entries that are still live at <paramref name="nowNs"/>, with the source's window count when
    /// <paramref name="withWindowCounts"/> (one more lookup per entry).
    /// </summary>
    public List<FloodBlockEntry> ReadBlocks(ulong nowNs, bool withWindowCounts)
    {
        var result = new List<FloodBlockEntry>();
        foreach (HfBlockKey key in _blocks.Keys<HfBlockKey>())
        {
            if (!_blocks.TryLookup(key, out HfBlock block) || block.ExpiresNs <= nowNs)
            {
                continue;
            }

            uint count = 0;
            if (withWindowCounts)
            {
                var stateKey = new HfStateKey { RuleId = block.RuleId };
                new ReadOnlySpan<byte>(key.Addr, FloodAddress.Length).CopyTo(new Span<byte>(stateKey.Addr, FloodAddress.Length));
                if (_sourceState.TryLookup(stateKey, out HfState state))
                {
                    count = state.Count;
                }
            }

            result.Add(new FloodBlockEntry(FloodAddress.ToIPAddress(new ReadOnlySpan<byte>(key.Addr, FloodAddress.Length)), block.ExpiresNs, (int)block.RuleId, count));
        }

        return result;
    }

    /// <summary>Live block entries per rule id (index 0..31) at <paramref name="nowNs"/>.</summary>
    public int[] CountLiveBlocks(ulong nowNs)
    {
        var perRule = new int[HttpFloodLimits.MaxRules];
        foreach (HfBlockKey key in _blocks.Keys<HfBlockKey>())
        {
            if (_blocks.TryLookup(key, out HfBlock block) && block.ExpiresNs > nowNs && block.RuleId < HttpFloodLimits.MaxRules)
            {
                perRule[block.RuleId]++;
            }
        }

        return perRule;
    }

    /// <summary>
    /// Deletes block entries that expired by <paramref name="nowNs"/> or whose rule is no longer active
    /// (the kernel only deletes one when that source sends again). Returns how many were deleted.
    /// </summary>
    public int SweepExpiredBlocks(ulong nowNs)
    {
        CompiledRuleSet? rules = _applied;
        int deleted = 0;
        foreach (HfBlockKey key in _blocks.Keys<HfBlockKey>())
        {
            // Look up right before deleting: an enforce rule may have renewed the entry since the key walk.
            if (_blocks.TryLookup(key, out HfBlock block)
                && (block.ExpiresNs <= nowNs || (rules is not null && rules.ById((int)block.RuleId) is null))
                && _blocks.Delete(key))
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Stops the event reader, detaches the program and frees the maps.</summary>
    public void Dispose()
    {
        _events.Dispose();
        _link.Dispose();
        _object.Dispose();
    }

    private void WaitForSlotQuiescence()
    {
        if (_lastFlipTimestamp == 0)
        {
            return;
        }

        TimeSpan remaining = s_slotQuiescence - Stopwatch.GetElapsedTime(_lastFlipTimestamp);
        if (remaining > TimeSpan.Zero)
        {
            Thread.Sleep(remaining);
        }
    }

    private void SyncAllowlist(IReadOnlyList<HfLpmKey> wanted)
    {
        var wantedSet = new HashSet<LpmKeyBytes>(wanted.Count);
        foreach (HfLpmKey key in wanted)
        {
            wantedSet.Add(LpmKeyBytes.Of(key));
            _allow.Update(key, 1u);
        }

        foreach (HfLpmKey existing in _allow.Keys<HfLpmKey>())
        {
            if (!wantedSet.Contains(LpmKeyBytes.Of(existing)))
            {
                _allow.Delete(existing);
            }
        }
    }

    private void DeleteStateOf(IReadOnlySet<int> ruleIds)
    {
        foreach (HfStateKey key in _sourceState.Keys<HfStateKey>())
        {
            if (ruleIds.Contains((int)key.RuleId))
            {
                _sourceState.Delete(key);
            }
        }

        foreach (HfBlockKey key in _blocks.Keys<HfBlockKey>())
        {
            if (_blocks.TryLookup(key, out HfBlock block) && ruleIds.Contains((int)block.RuleId))
            {
                _blocks.Delete(key);
            }
        }
    }

    private void OnEvent(ReadOnlySpan<byte> record)
    {
        Interlocked.Increment(ref _eventsReceived);
        if (!FloodEventDecoder.TryDecode(record, out FloodEvent e))
        {
            Interlocked.Increment(ref _eventsMalformed);
            return;
        }

        // The rule is named from the generation in force; an event made just before a flip may name its successor.
        CompiledRule? rule = _applied?.ById(e.RuleId);
        string ruleName = rule?.Name ?? $"#{e.RuleId}";
        string action = rule?.Action ?? "unknown";
        string mode = e.Mode == HfMode.Shadow ? "shadow" : "enforce";
        switch (e.Type)
        {
            case HfEventType.ThresholdCrossed:
                _logger.LogWarning(
                    "XDP {Event}: rule {Rule} source {Source} count {Count} per {WindowSeconds}s (threshold {Threshold}) action {Action} mode {Mode} port {Port} interface {Interface}",
                    e.TypeName, ruleName, SourceAddressFormat.Format(e.Source, _truncateSources), e.Count, rule is null ? 0 : rule.Kernel.WindowNs / 1e9, rule?.Kernel.Threshold ?? 0, action, mode, e.DestinationPort, InterfaceName);
                break;
            case HfEventType.Blocked:
                _logger.LogWarning(
                    "XDP {Event}: rule {Rule} source {Source} count {Count} action {Action} mode {Mode} for {BlockSeconds}s port {Port} interface {Interface}",
                    e.TypeName, ruleName, SourceAddressFormat.Format(e.Source, _truncateSources), e.Count, action, mode, SecondsUntil(e.BlockExpiresNs, e.TimestampNs), e.DestinationPort, InterfaceName);
                break;
            default:
                _logger.LogInformation(
                    "XDP {Event}: rule {Rule} source {Source} reason {Reason} action {Action} mode {Mode} interface {Interface}",
                    e.TypeName, ruleName, SourceAddressFormat.Format(e.Source, _truncateSources), e.ReasonName, action, mode, InterfaceName);
                break;
        }
    }

    /// <summary>hf_events records go straight to <see cref="OnEvent"/> (each is logged; nothing to publish per batch).</summary>
    private readonly struct FloodEventHandler(HttpFloodProbe probe) : IRingBufferHandler
    {
        public void OnRecord(ReadOnlySpan<byte> record)
        {
            try
            {
                probe.OnEvent(record);
            }
            catch (Exception)
            {
                // A failing log sink must not stall the ring (a handler must not throw); the record was counted as received.
            }
        }

        public void OnBatchEnd()
        {
        }
    }

    private static double SecondsUntil(ulong laterNs, ulong nowNs) => laterNs > nowNs ? Math.Round((laterNs - nowNs) / 1e9, 3) : 0;

    /// <summary>Value equality for struct hf_lpm_key (the struct has a fixed buffer, so no generated equality).</summary>
    private readonly record struct LpmKeyBytes(uint Prefixlen, UInt128 Address)
    {
        public static LpmKeyBytes Of(HfLpmKey key) =>
            new(key.Prefixlen, MemoryMarshal.Read<UInt128>(new ReadOnlySpan<byte>(key.Addr, FloodAddress.Length)));
    }
}
