namespace NetScope.Agent.Tests.Hosting;

[Collection("console")]
public class CommandLineTests
{
    private static async Task<(int Exit, string Error)> RunAsync(params string[] args)
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
        Assert.Contains("Loopback by default", error);
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
    public async Task UnknownVerbIsAUsageError()
    {
        (int exit, string error) = await RunAsync("explode");
        Assert.Equal(2, exit);
        Assert.Contains("unknown verb 'explode'", error);
    }
}
