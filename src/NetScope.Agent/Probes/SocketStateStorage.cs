namespace NetScope.Agent.Probes;

/// <summary>
/// Where bpf/tcp_latency.bpf.c keeps its per-socket state, and the variant of the socket role and
/// retransmit programs (attached with every rung) that shares it. Programs that get the socket as a BTF
/// pointer (tp_btf, fentry/fexit) keep it in the socket (BPF_MAP_TYPE_SK_STORAGE: no hash lookup, no
/// capacity, freed with the socket); the others (kprobe, classic tracepoints) only have its address and key
/// an LRU hash by it.
/// </summary>
internal static class SocketStateStorage
{
    /// <summary>The LRU hash's capacity (sock_states in the C source): sockets tracked at once before eviction.</summary>
    public const int LruCapacity = 65536;

    /// <summary>tp_btf/inet_sock_set_state and tp_btf/tcp_retransmit_skb with sock_storage.</summary>
    public static SharedPrograms SkStorage { get; } = new(
        "sk_storage",
        [
            new HookProgram("btf_inet_sock_set_state", "tcp_state", p => p.AttachTrace()),
            new HookProgram("btf_tcp_retransmit_skb", "tcp_retransmit", p => p.AttachTrace()),
        ],
        ["sock_storage"]);

    /// <summary>tp/sock/inet_sock_set_state and tp/tcp/tcp_retransmit_skb with the sock_states LRU hash.</summary>
    public static SharedPrograms LruHash { get; } = new(
        "lru_hash",
        [
            new HookProgram("tp_inet_sock_set_state", "tcp_state", p => p.AttachTracepoint("sock", "inet_sock_set_state")),
            new HookProgram("tp_tcp_retransmit_skb", "tcp_retransmit", p => p.AttachTracepoint("tcp", "tcp_retransmit_skb")),
        ],
        ["sock_states"]);
}
