namespace NetScope.Agent.Hosting;

/// <summary>
/// /readyz: ready once every probe service has attached. Liveness (/healthz) only says the process
/// serves HTTP; readiness says the node is actually observed.
/// </summary>
internal sealed class Readiness
{
    private int _pending;

    /// <summary>A component that must report ready before /readyz answers 200.</summary>
    public void Expect() => Interlocked.Increment(ref _pending);

    /// <summary>The component is ready.</summary>
    public void Ready() => Interlocked.Decrement(ref _pending);

    public bool IsReady => Volatile.Read(ref _pending) <= 0;
}
