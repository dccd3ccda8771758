namespace NetScope.Agent.Configuration;

/// <summary>The configuration `netscope run` uses without --config (embedded as default-config.yaml).</summary>
internal static class EmbeddedDefaultConfig
{
    public const string SourceName = "embedded default config";

    public static string Text { get; } = Read();

    private static string Read()
    {
        using Stream stream = typeof(EmbeddedDefaultConfig).Assembly.GetManifestResourceStream("config/default-config.yaml")
            ?? throw new InvalidOperationException("default-config.yaml is not embedded in the agent assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
