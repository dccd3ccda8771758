namespace NetScope.Agent.SelfTest;

/// <summary>How a check ended. Skip: it could not apply here (e.g. the rung is not on this kernel), which is not a failure.</summary>
internal enum CheckOutcome
{
    Pass,
    Fail,
    Skip,
}

/// <summary>One named selftest check with its verdict and the reason (the numbers behind it, or what went wrong).</summary>
/// <param name="Name">Stable check name, e.g. server_histogram or xdp_corpus/http_get (the summary's contract).</param>
/// <param name="Scope">What it ran under: a rung configuration such as "kprobe,tracepoint", or "xdp".</param>
/// <param name="Rung">The rung the TCP probe used for it, or null when no rung applies.</param>
/// <param name="Outcome">Pass, fail or skip.</param>
/// <param name="Reason">Why, with the observed numbers.</param>
internal sealed record SelfTestCheck(string Name, string Scope, string? Rung, CheckOutcome Outcome, string Reason)
{
    public static SelfTestCheck Verdict(string name, string scope, string? rung, bool passed, string reason) =>
        new(name, scope, rung, passed ? CheckOutcome.Pass : CheckOutcome.Fail, reason);
}
