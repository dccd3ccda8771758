using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetScope.Agent.SelfTest;
using NetScope.Exporters.Tests.Otlp;

namespace NetScope.Kernel.Tests;

/// <summary>
/// The agent pushes OTLP to a test receiver while a loopback server answers after a fixed delay. The received
/// bodies are decoded by the independent decoder (official OTLP definitions, node): the exponential histogram
/// of the server's series must hold the kernel's counts (merged to scale 0 they equal the agent's Prometheus
/// buckets for the same series) with the requests in the bucket of the delay, and SIGTERM sends a last export.
/// </summary>
[Collection("kernel")]
[Trait("Category", "Kernel")]
public class OtlpEndToEndTests
{
    private const int Requests = 30;

    // Just above the lower bound of its bucket, (77.9 ms, 92.7 ms]: late wakeups on a shared VM stay inside it.
    private static readonly TimeSpan s_delay = TimeSpan.FromMilliseconds(78);
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);

    [SkippableTheory]
    [InlineData("http/protobuf")]
    [InlineData("grpc")]
    public async Task TheDelayedServerIsInTheSameBucketInOtlpAndPrometheus(string protocol)
    {
        KernelTestGuard.Require();
        await using OtlpTestReceiver receiver = await OtlpTestReceiver.StartAsync(grpc: protocol == "grpc");
        using AgentProcess agent = AgentProcess.Start($"interfaces: []\notlp:\n  endpoint: {receiver.Endpoint}\n  protocol: {protocol}\n  interval: 1s\n");
        Assert.True(await agent.WaitReadyAsync(TimeSpan.FromSeconds(30)), agent.Output);

        await LoopbackEchoServer.WarmUpAsync();
        await using var server = new LoopbackEchoServer(s_delay);
        await server.RoundTripsAsync(Requests);
        string port = server.Port.ToString(CultureInfo.InvariantCulture);

        // Traffic has stopped: the series no longer changes, so Prometheus and OTLP must agree exactly.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{agent.Port}") };
        ulong[] prometheus = PrometheusBuckets(await http.GetStringAsync("/metrics"), port);
        Assert.Equal((ulong)Requests, prometheus.Aggregate(0UL, (a, b) => a + b));

        // A periodic export taken after the traffic.
        JsonElement point = default;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < s_wait)
        {
            OtlpReceived received = await receiver.NextAsync(s_wait);
            if (ServerPoint(OtlpDecoder.Decode(received.Body), port) is { } p && ulong.Parse(p.GetProperty("count").GetString()!, CultureInfo.InvariantCulture) == Requests)
            {
                point = p;
                break;
            }
        }

        Assert.True(point.ValueKind == JsonValueKind.Object, $"no export with {Requests} requests for port {port}:\n{agent.Output}");
        AssertKernelBuckets(point, prometheus);

        // SIGTERM: one last export, and the agent is gone within 10 s.
        receiver.Drain();
        agent.Signal(AgentProcess.Sigterm);
        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the agent did not exit within 10 s of SIGTERM");
        Assert.Equal(0, agent.ExitCode);
        Assert.Contains("OTLP: final export on shutdown sent", agent.Output, StringComparison.Ordinal);
        OtlpReceived last = receiver.Drain()[^1];
        AssertKernelBuckets(ServerPoint(OtlpDecoder.Decode(last.Body), port)!.Value, prometheus);
    }

    /// <summary>Checks the exponential histogram against the Prometheus buckets and the delay's bucket.</summary>
    private static void AssertKernelBuckets(JsonElement point, ulong[] prometheus)
    {
        Assert.Equal(2, point.GetProperty("scale").GetInt32());
        Assert.Equal(1.0, point.GetProperty("zeroThreshold").GetDouble());
        int offset = point.GetProperty("positive").GetProperty("offset").GetInt32();
        ulong[] counts = [.. point.GetProperty("positive").GetProperty("bucketCounts").EnumerateArray().Select(c => ulong.Parse(c.GetString()!, CultureInfo.InvariantCulture))];
        ulong zero = ulong.Parse(point.GetProperty("zeroCount").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal((ulong)Requests, zero + counts.Aggregate(0UL, (a, b) => a + b));

        // Scale 2 → 0: OTel index i joins index i >> 2; Prometheus bucket 0 is ≤ 1 µs (the zero bucket), bucket 1 + j is index j.
        ulong[] merged = new ulong[prometheus.Length];
        merged[0] = zero;
        for (int k = 0; k < counts.Length; k++)
        {
            merged[1 + ((offset + k) >> 2)] += counts[k];
        }

        Assert.Equal(prometheus, merged);

        // The delay's bucket at scale 2: (2^(i/4), 2^((i+1)/4)] µs.
        double delayUs = s_delay.TotalMicroseconds;
        int bucket = Enumerable.Range(0, 104).Single(i => Math.Pow(2, i / 4.0) < delayUs && delayUs <= Math.Pow(2, (i + 1) / 4.0));
        ulong inBucket = bucket - offset is int at && at >= 0 && at < counts.Length ? counts[at] : 0;
        Assert.True(inBucket >= Requests * 0.9, $"{inBucket} of {Requests} in OTel bucket {bucket}: offset {offset}, counts [{string.Join(", ", counts)}]");
    }

    private static JsonElement? ServerPoint(JsonElement request, string port)
    {
        foreach (JsonElement metric in request.GetProperty("resourceMetrics")[0].GetProperty("scopeMetrics")[0].GetProperty("metrics").EnumerateArray())
        {
            if (metric.GetProperty("name").GetString() != "netscope.tcp.request.duration")
            {
                continue;
            }

            Assert.Equal("us", metric.GetProperty("unit").GetString());
            foreach (JsonElement point in metric.GetProperty("exponentialHistogram").GetProperty("dataPoints").EnumerateArray())
            {
                var attributes = point.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value").GetProperty("stringValue").GetString());
                if (attributes["role"] == "server" && attributes["port"] == port)
                {
                    return point;
                }
            }
        }

        return null;
    }

    /// <summary>Non-cumulative counts of the series' le buckets, in order (≤ 1 µs, 2 µs, …, 2^26 µs, +Inf).</summary>
    private static ulong[] PrometheusBuckets(string metrics, string port)
    {
        string prefix = $"netscope_tcp_request_duration_seconds_bucket{{role=\"server\",port=\"{port}\",le=";
        ulong[] cumulative = [.. metrics.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => ulong.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))];
        Assert.Equal(28, cumulative.Length);
        return [.. cumulative.Select((c, i) => i == 0 ? c : c - cumulative[i - 1])];
    }
}
