// The benchmarks are Linux-only (bench/NetScope.Bench/Program.cs), and so are their tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
