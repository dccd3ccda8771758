using System.Diagnostics;
using System.Text.Json;

namespace NetScope.Exporters.Tests.Otlp;

/// <summary>
/// Decodes OTLP request bodies with tests/otlp-decoder (node + the OpenTelemetry protobuf definitions from
/// npm), a decoder that shares nothing with NetScope's C# encoder. `make otlp-decoder` installs it.
/// </summary>
internal static class OtlpDecoder
{
    /// <summary>The decoded ExportMetricsServiceRequest as JSON (protobufjs toObject: camelCase, 64-bit as strings).</summary>
    public static JsonElement Decode(byte[] body)
    {
        string directory = DecoderDirectory();
        string file = Path.Combine(Path.GetTempPath(), $"netscope-otlp-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(file, body);
        try
        {
            var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
            start.ArgumentList.Add(Path.Combine(directory, "decode.js"));
            start.ArgumentList.Add(file);
            using Process node = Process.Start(start)!;
            Task<string> stdout = node.StandardOutput.ReadToEndAsync();
            string stderr = node.StandardError.ReadToEnd();
            Assert.True(node.WaitForExit(30_000), "node decode.js did not finish in 30 s");
            Assert.True(node.ExitCode == 0, $"node decode.js failed ({node.ExitCode}): {stderr}");
            return JsonDocument.Parse(stdout.Result).RootElement[0].Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string DecoderDirectory()
    {
        string directory = Path.Combine(NetScope.Tests.Shared.RepoPaths.Root, "tests", "otlp-decoder");
        Assert.True(
            Directory.Exists(Path.Combine(directory, "node_modules", "@opentelemetry", "otlp-transformer")),
            $"{directory} is not installed: run `make otlp-decoder` (npm ci) first");
        return directory;
    }
}
