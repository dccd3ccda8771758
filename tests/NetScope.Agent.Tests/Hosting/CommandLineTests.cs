namespace NetScope.Agent.Tests.Hosting;

[Collection("console")]
public class CommandLineTests
{
    /// <summary>Runs the command line with standard error captured.</summary>
    internal static async Task<(int Exit, string Error)> RunAsync(params string[] args)
    {
        TextWriter original = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            int exit = await Program.Main(args);
            return (exit, error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    [Fact]
    public async Task HelpListsTheVerbsAndExitsZero()
    {
        (int exit, string error) = await RunAsync("--help");
        Assert.Equal(0, exit);
        Assert.Contains("run", error);
        Assert.Contains("probe", error);
    }

    [Fact]
    public async Task RunHelpExplainsListen()
    {
        (int exit, string error) = await RunAsync("run", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--listen", error);
        Assert.Contains("loopback", error);
        Assert.Contains("--config", error);
    }

    [Fact]
    public async Task BadListenIsAUsageError()
    {
        (int exit, string error) = await RunAsync("run", "--listen", "nowhere");
        Assert.Equal(2, exit);
        Assert.Contains("--listen 'nowhere'", error);
    }

    [Fact]
    public async Task UnknownRungIsAUsageError()
    {
        (int exit, string error) = await RunAsync("run", "--rungs", "uprobe");
        Assert.Equal(2, exit);
        Assert.Contains("--rungs 'uprobe'", error);
    }

    [Fact]
    public async Task UnknownTracepointHookSetIsAUsageError()
    {
        (int exit, string error) = await RunAsync("run", "--tracepoint-hooks", "tcp");
        Assert.Equal(2, exit);
        Assert.Contains("--tracepoint-hooks 'tcp' is not one of auto, sock, syscalls", error);
    }

    [Fact]
    public async Task SelftestHelpNamesItsOptions()
    {
        (int exit, string error) = await RunAsync("selftest", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("--xdp-corpus", error);
        Assert.Contains("--requests", error);
        Assert.Contains("--tracepoint-hooks", error);
    }

    [Theory]
    [InlineData("--rungs", "uprobe", "--rungs 'uprobe'")]
    [InlineData("--tracepoint-hooks", "raw", "--tracepoint-hooks 'raw' is not one of auto, sock, syscalls")]
    [InlineData("--requests", "0", "--requests must be at least 1")]
    public async Task SelftestUsageErrorsExitTwoBeforeTouchingTheKernel(string option, string value, string message)
    {
        (int exit, string error) = await RunAsync("selftest", option, value);
        Assert.Equal(2, exit);
        Assert.Contains(message, error);
    }

    [Fact]
    public async Task UnknownVerbIsAUsageError()
    {
        (int exit, string error) = await RunAsync("explode");
        Assert.Equal(2, exit);
        Assert.Contains("unknown verb 'explode'", error);
    }
}

[Collection("console")]
public class CheckVerbTests
{
    [Fact]
    public async Task CheckReportsProblemsWithPositionsAndExitsOne()
    {
        string path = Path.GetTempFileName();
        TextWriter original = Console.Error;
        using var error = new StringWriter();
        try
        {
            await File.WriteAllTextAsync(path, "listen: 127.0.0.1:9745\nbogus: 1\n");
            Console.SetError(error);
            Assert.Equal(1, await Program.Main(["check", "--config", path]));
            Assert.Contains($"{path}:2:1: unknown key 'bogus'", error.ToString());
        }
        finally
        {
            Console.SetError(original);
            File.Delete(path);
        }
    }

    [Fact]
    public async Task CheckAcceptsAValidFile()
    {
        string path = Path.GetTempFileName();
        TextWriter original = Console.Out;
        using var output = new StringWriter();
        try
        {
            await File.WriteAllTextAsync(path, "listen: 127.0.0.1:9745\n");
            Console.SetOut(output);
            Assert.Equal(0, await Program.Main(["check", "--config", path]));
            Assert.Contains("OK", output.ToString());
        }
        finally
        {
            Console.SetOut(original);
            File.Delete(path);
        }
    }

    [Fact]
    public async Task RunWithAnInvalidConfigIsAUsageErrorBeforeTouchingTheKernel()
    {
        string path = Path.GetTempFileName();
        TextWriter original = Console.Error;
        using var error = new StringWriter();
        try
        {
            await File.WriteAllTextAsync(path, "probes:\n  rungs: [uprobe]\n");
            Console.SetError(error);
            Assert.Equal(2, await Program.Main(["run", "--config", path]));
            Assert.Contains($"{path}:2:11:", error.ToString());
        }
        finally
        {
            Console.SetError(original);
            File.Delete(path);
        }
    }
}
