using System.Globalization;
using System.Text.RegularExpressions;

namespace NetScope.Agent.Demo;

/// <summary>
/// The demo's network: a web namespace (nginx on 10.77.9.1:80) and a client namespace (a legitimate
/// client 10.77.9.2 and an attacker 10.77.9.3), each joined by a veth pair to a bridge in the root
/// namespace. The agent attaches XDP to the root-side veth of the client namespace, where every request
/// arrives before the bridge forwards it: no IP forwarding and no address in the root namespace, so
/// the host's routing is untouched. Names carry the demo's pid: runs never collide, and leftovers of a
/// demo that was killed (kill -9) are recognised and removed by the next one.
/// </summary>
internal sealed partial class DemoNetwork : IDisposable
{
    public const string ServerAddress = "10.77.9.1";
    public const string LegitAddress = "10.77.9.2";
    public const string AttackerAddress = "10.77.9.3";
    public const int Port = 80;

    private DemoNetwork(int id)
    {
        Id = id;
        string suffix = id.ToString(CultureInfo.InvariantCulture);
        WebNamespace = $"nsdemo-{suffix}-www";
        ClientNamespace = $"nsdemo-{suffix}-cli";
        Bridge = $"nsd{suffix}br";
        WebVeth = $"nsd{suffix}w";
        ClientVeth = $"nsd{suffix}c";
    }

    public int Id { get; }

    public string WebNamespace { get; }

    public string ClientNamespace { get; }

    /// <summary>Bridge in the root namespace (no address).</summary>
    public string Bridge { get; }

    /// <summary>Root-side veth of the web namespace.</summary>
    public string WebVeth { get; }

    /// <summary>Root-side veth of the client namespace: the agent's XDP interface.</summary>
    public string ClientVeth { get; }

    /// <summary>Every object the demo made, for the clean-up message.</summary>
    public string Objects => $"namespaces {WebNamespace} and {ClientNamespace}, bridge {Bridge}, veths {WebVeth} and {ClientVeth}";

    /// <summary>Builds the network for demo <paramref name="id"/> (the pid); on failure removes what was made and throws.</summary>
    public static DemoNetwork Create(int id)
    {
        var network = new DemoNetwork(id);
        try
        {
            network.Build();
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Removes namespaces and links of earlier demos whose process is gone (killed before it could clean
    /// up), with any process still running inside them; returns what was removed.
    /// </summary>
    public static IReadOnlyList<string> RemoveStale()
    {
        var removed = new List<string>();
        foreach (string name in DemoShell.Ip("netns", "list").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' ')[0]))
        {
            Match match = StaleNamespace().Match(name);
            if (match.Success && !IsRunning(match.Groups[1].Value))
            {
                KillProcessesIn(name);
                DemoShell.Run("ip", "netns", "del", name);
                removed.Add(name);
            }
        }

        foreach (string line in DemoShell.Ip("-o", "link", "show").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "12: nsd123c@if11: <...>" — the name ends at '@' (veth) or ':'.
            string name = line.Split(':', 3)[1].Trim().Split('@')[0];
            Match match = StaleLink().Match(name);
            if (match.Success && !IsRunning(match.Groups[1].Value))
            {
                DemoShell.Run("ip", "link", "del", name);
                removed.Add(name);
            }
        }

        return removed;
    }

    /// <summary>
    /// Deletes the veth pairs and the bridge, then the namespaces. Never throws. The veths are deleted
    /// explicitly: `ip netns del` only unbinds a namespace, which lives on (with its veth end, and so the
    /// peer in the root namespace) while a closing socket in it still references it.
    /// </summary>
    public void Dispose()
    {
        foreach (string link in new[] { ClientVeth, WebVeth, Bridge })
        {
            DemoShell.Run("ip", "link", "del", link);
        }

        foreach (string name in new[] { WebNamespace, ClientNamespace })
        {
            KillProcessesIn(name);
            DemoShell.Run("ip", "netns", "del", name);
        }
    }

    /// <summary>Names of the demo's objects that still exist (empty after <see cref="Dispose"/>).</summary>
    public IReadOnlyList<string> Remaining()
    {
        string namespaces = DemoShell.Run("ip", "netns", "list").Output;
        string links = DemoShell.Run("ip", "-o", "link", "show").Output;
        return [.. new[] { WebNamespace, ClientNamespace }.Where(n => namespaces.Contains(n, StringComparison.Ordinal))
            .Concat(new[] { Bridge, WebVeth, ClientVeth }.Where(l => links.Contains($" {l}:", StringComparison.Ordinal) || links.Contains($" {l}@", StringComparison.Ordinal)))];
    }

    private void Build()
    {
        DemoShell.Ip("netns", "add", WebNamespace);
        DemoShell.Ip("netns", "add", ClientNamespace);
        DemoShell.Ip("link", "add", Bridge, "type", "bridge");
        DemoShell.Ip("link", "add", WebVeth, "type", "veth", "peer", "name", "eth0", "netns", WebNamespace);
        DemoShell.Ip("link", "add", ClientVeth, "type", "veth", "peer", "name", "eth0", "netns", ClientNamespace);
        foreach (string port in new[] { WebVeth, ClientVeth })
        {
            DemoShell.Ip("link", "set", port, "master", Bridge);
            DemoShell.Ip("link", "set", port, "up");
        }

        DemoShell.Ip("link", "set", Bridge, "up");
        DemoShell.Ip("-n", WebNamespace, "addr", "add", $"{ServerAddress}/24", "dev", "eth0");
        DemoShell.Ip("-n", ClientNamespace, "addr", "add", $"{LegitAddress}/24", "dev", "eth0");
        DemoShell.Ip("-n", ClientNamespace, "addr", "add", $"{AttackerAddress}/24", "dev", "eth0");
        foreach (string ns in new[] { WebNamespace, ClientNamespace })
        {
            DemoShell.Ip("-n", ns, "link", "set", "lo", "up");
            DemoShell.Ip("-n", ns, "link", "set", "eth0", "up");
        }
    }

    private static void KillProcessesIn(string ns)
    {
        foreach (string pid in DemoShell.Run("ip", "netns", "pids", ns).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            DemoShell.Run("kill", "-KILL", pid);
        }
    }

    private static bool IsRunning(string pid) =>
        pid == Environment.ProcessId.ToString(CultureInfo.InvariantCulture) || Directory.Exists($"/proc/{pid}");

    [GeneratedRegex(@"^nsdemo-(\d+)-(www|cli)$")]
    private static partial Regex StaleNamespace();

    [GeneratedRegex(@"^nsd(\d+)(br|w|c)$")]
    private static partial Regex StaleLink();
}
