using System.Reflection;

namespace NetScope.Agent.Probes;

/// <summary>The BPF objects compiled by the Makefile and embedded in this assembly (see the csproj).</summary>
internal static class EmbeddedBpfObjects
{
    /// <summary>The ELF image of bpf/<paramref name="name"/>.bpf.c.</summary>
    public static byte[] Read(string name)
    {
        string resource = $"bpf/{name}.bpf.o";
        using Stream stream = typeof(EmbeddedBpfObjects).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"BPF object '{resource}' is not embedded in {typeof(EmbeddedBpfObjects).Assembly.GetName().Name}; rebuild with 'make build'.");
        byte[] image = new byte[stream.Length];
        stream.ReadExactly(image);
        return image;
    }

    /// <summary>Writes the embedded object to a file (for BTF inspection); returns the path.</summary>
    public static string ExtractTo(string name, string directory)
    {
        string path = Path.Combine(directory, $"{name}.bpf.o");
        File.WriteAllBytes(path, Read(name));
        return path;
    }
}
