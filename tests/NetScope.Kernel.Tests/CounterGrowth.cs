using NetScope.Agent.Probes;

namespace NetScope.Kernel.Tests;

/// <summary>
/// How much the TCP probe's counters grew between two reads. They are host-wide, so other TCP traffic on the machine
/// can only add to them.
/// </summary>
internal readonly record struct CounterGrowth(ulong[] Before, ulong[] After)
{
    public ulong this[TcpCounter counter] => After[(int)counter] - Before[(int)counter];

    /// <summary>The growth while <paramref name="work"/> ran.</summary>
    public static async Task<CounterGrowth> DuringAsync(TcpLatencyProbe probe, Func<Task> work)
    {
        ulong[] before = probe.ReadCounters();
        await work();
        return new CounterGrowth(before, probe.ReadCounters());
    }

    /// <summary>The growth while <paramref name="work"/> ran on this thread.</summary>
    public static CounterGrowth During(TcpLatencyProbe probe, Action work)
    {
        ulong[] before = probe.ReadCounters();
        work();
        return new CounterGrowth(before, probe.ReadCounters());
    }
}
