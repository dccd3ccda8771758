namespace NetScope.Native;

/// <summary>Result of BPF_PROG_TEST_RUN.</summary>
/// <param name="ReturnValue">The program's return value (an XDP action for XDP).</param>
/// <param name="DurationNs">Average run time per repetition, nanoseconds, as measured by the kernel.</param>
/// <param name="DataOut">The packet after the program ran (it may rewrite it).</param>
public readonly record struct BpfTestRunResult(uint ReturnValue, uint DurationNs, byte[] DataOut);

/// <summary>Runs a loaded program on a crafted input in the kernel (BPF_PROG_TEST_RUN).</summary>
public static class BpfTestRun
{
    /// <summary>
    /// Runs <paramref name="program"/> <paramref name="repeat"/> times on <paramref name="packet"/>
    /// (at least 14 bytes for XDP: the kernel refuses shorter input).
    /// </summary>
    public static unsafe BpfTestRunResult Run(BpfProgram program, ReadOnlySpan<byte> packet, int repeat = 1)
    {
        byte[] output = new byte[packet.Length + 512];
        fixed (byte* input = packet)
        fixed (byte* outPtr = output)
        {
            var opts = new Interop.bpf_test_run_opts
            {
                sz = (nuint)sizeof(Interop.bpf_test_run_opts),
                data_in = input,
                data_size_in = (uint)packet.Length,
                data_out = outPtr,
                data_size_out = (uint)output.Length,
                repeat = repeat,
            };
            BpfErrors.Check(Interop.bpf_prog_test_run_opts(program.Fd, &opts), "bpf_prog_test_run_opts", program.Name);
            return new BpfTestRunResult(opts.retval, opts.duration, output.AsSpan(0, (int)opts.data_size_out).ToArray());
        }
    }

    /// <summary>
    /// Runs a program that takes only a context (BPF_PROG_TYPE_SYSCALL) once with <paramref name="context"/>
    /// as ctx_in and returns its return value; such programs accept no packet and no repeat count.
    /// </summary>
    public static unsafe uint RunWithContext(BpfProgram program, ReadOnlySpan<byte> context)
    {
        fixed (byte* ctx = context)
        {
            var opts = new Interop.bpf_test_run_opts
            {
                sz = (nuint)sizeof(Interop.bpf_test_run_opts),
                ctx_in = ctx,
                ctx_size_in = (uint)context.Length,
            };
            BpfErrors.Check(Interop.bpf_prog_test_run_opts(program.Fd, &opts), "bpf_prog_test_run_opts", program.Name);
            return opts.retval;
        }
    }
}
