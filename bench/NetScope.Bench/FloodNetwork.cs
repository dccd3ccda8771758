using System.Diagnostics;

namespace NetScope.Bench;

/// <summary>
/// Three private network namespaces for the flood benchmark: a server namespace (nginx) with one veth to
/// an attacker namespace (10.78.1.3) and one to a legitimate client's namespace (10.78.2.2), so wrk, which
/// cannot pick a source address, runs from each address in its own namespace. Nothing touches the root
/// namespace; unique names; everything is deleted on dispose, also after a failed set-up.
/// </summary>
internal sealed class FloodNetwork : IDisposable
{
    public const string AttackerInterface = "vbatk";
    public const string LegitInterface = "vblgt";
    public const string AttackerAddress = "10.78.1.3";
    public const string ServerAttackerSide = "10.78.1.1";
    public const string LegitAddress = "10.78.2.2";
    public const string ServerLegitSide = "10.78.2.1";

    private FloodNetwork()
    {
        string id = Guid.NewGuid().ToString("N")[..6];
        Server = $"nsb-srv-{id}";
        Attacker = $"nsb-atk-{id}";
        Legit = $"nsb-lgt-{id}";
    }

    public string Server { get; }

    public string Attacker { get; }

    public string Legit { get; }

    public static FloodNetwork Create()
    {
        var n = new FloodNetwork();
        try
        {
            foreach (string ns in new[] { n.Server, n.Attacker, n.Legit })
            {
                Ip($"netns add {ns}");
                Ip($"-n {ns} link set lo up");
            }
            Pair(n.Server, AttackerInterface, ServerAttackerSide, n.Attacker, AttackerAddress);
            Pair(n.Server, LegitInterface, ServerLegitSide, n.Legit, LegitAddress);
            return n;
        }
        catch
        {
            n.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (string ns in new[] { Server, Attacker, Legit })
        {
            Run("ip", ["netns", "del", ns]);
        }
    }

    /// <summary>Starts <paramref name="file"/> inside namespace <paramref name="ns"/> (ip netns exec execs it: the pid is the program's).</summary>
    public static Process Start(string ns, string file, IEnumerable<string> args, bool redirect = true)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = redirect, RedirectStandardError = redirect };
        foreach (string a in new[] { "netns", "exec", ns, file }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }
        return Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file} in {ns}");
    }

    public static (int Code, string Output, string Error) Run(string file, IEnumerable<string> arguments)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output.Result, error);
    }

    private static void Pair(string server, string serverIf, string serverAddr, string client, string clientAddr)
    {
        string peer = serverIf + "p";
        Ip($"-n {server} link add {serverIf} type veth peer name {peer} netns {client}");
        Ip($"-n {server} addr add {serverAddr}/24 dev {serverIf}");
        Ip($"-n {client} addr add {clientAddr}/24 dev {peer}");
        Ip($"-n {server} link set {serverIf} up");
        Ip($"-n {client} link set {peer} up");
    }

    private static void Ip(string arguments)
    {
        (int code, _, string error) = Run("ip", arguments.Split(' '));
        if (code != 0)
        {
            throw new InvalidOperationException($"ip {arguments} failed: {error.Trim()}");
        }
    }
}
