namespace NetScope.Tests.Shared;

/// <summary>Paths in the repository the tests run from (linked into every test project).</summary>
internal static class RepoPaths
{
    /// <summary>The directory holding NetScope.sln, found upwards from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NetScope.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"NetScope.sln not found above {AppContext.BaseDirectory}");
    }
}
