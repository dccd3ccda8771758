using NetScope.Bench;

// Linux only: BPF, network namespaces, /proc.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Usage: NetScope.Bench [xdp|footprint|verifier|ring|probe|flood|syscalls|all|report]. Each benchmark writes its
// section under build/bench/, then bench/RESULTS.md is rebuilt from every section present (and
// bench/NOTES.md), so one benchmark can be re-run alone without losing the others' last figures;
// `report` only rebuilds RESULTS.md (after editing NOTES.md). `probe-ab <base> <rounds>` is the instrument behind
// `make probe-ab` (ProbeAb): it prints and writes nothing.
string which = args.Length > 0 ? args[0] : "all";
string root = Repo.FindRoot();
if (which == "probe-ab")
{
    return ProbeAb.Run(root, args[1..]);
}

var benches = new Dictionary<string, Func<string, string>>
{
    ["xdp"] = XdpBench.Run,
    ["footprint"] = FootprintBench.Run,
    ["verifier"] = VerifierBench.Run,
    ["ring"] = RingDrainBench.Run,
    ["probe"] = ProbeOverheadBench.Run,
    ["flood"] = FloodBench.Run,
    ["syscalls"] = SyscallHookSetBench.Run,
};
if (which is not ("all" or "report") && !benches.ContainsKey(which))
{
    Console.Error.WriteLine($"unknown benchmark '{which}': use one of {string.Join(", ", benches.Keys)}, all, report");
    return 2;
}

Directory.CreateDirectory(Path.Combine(root, "build", "bench"));
foreach (var (name, run) in benches)
{
    if (which != "all" && which != name)
    {
        continue;
    }
    Console.WriteLine($"bench: {name} ...");
    string section = run(root);
    File.WriteAllText(Path.Combine(root, "build", "bench", name + ".md"), section);
    Console.WriteLine(section);
}
Report.Write(root, benches.Keys);
Console.WriteLine("bench: wrote bench/RESULTS.md");
return 0;
