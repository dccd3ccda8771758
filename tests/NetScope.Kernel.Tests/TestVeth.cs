using System.Diagnostics;

namespace NetScope.Kernel.Tests;

/// <summary>A uniquely named veth pair in the current namespace, removed on dispose. No traffic is sent.</summary>
internal sealed class TestVeth : IDisposable
{
    private TestVeth(string name, string peer)
    {
        Name = name;
        Peer = peer;
    }

    public string Name { get; }

    public string Peer { get; }

    public static TestVeth Create()
    {
        string id = Guid.NewGuid().ToString("N")[..6];
        var veth = new TestVeth($"nsl{id}a", $"nsl{id}b");
        Ip($"link add {veth.Name} type veth peer name {veth.Peer}");
        Ip($"link set {veth.Name} up");
        Ip($"link set {veth.Peer} up");
        return veth;
    }

    public void Dispose()
    {
        // Deleting one end removes the pair.
        using Process? process = Process.Start(new ProcessStartInfo("ip", $"link del {Name}") { RedirectStandardError = true });
        process?.WaitForExit();
    }

    private static void Ip(string arguments)
    {
        using Process process = Process.Start(new ProcessStartInfo("ip", arguments) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ip {arguments}: {error}");
    }
}
