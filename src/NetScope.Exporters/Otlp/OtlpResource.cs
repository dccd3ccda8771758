namespace NetScope.Exporters.Otlp;

/// <summary>
/// The resource attributes of every export: OTEL_RESOURCE_ATTRIBUTES, then service.name (OTEL_SERVICE_NAME,
/// default "netscope"), host.name (the machine name) and k8s.node.name (<see cref="NodeNameVariable"/>, set
/// from the downward API in the DaemonSet) when those are known.
/// </summary>
public static class OtlpResource
{
    /// <summary>The variable that carries the Kubernetes node name (spec.nodeName).</summary>
    public const string NodeNameVariable = "K8S_NODE_NAME";

    /// <summary>service.name when nothing sets it.</summary>
    public const string DefaultServiceName = "netscope";

    /// <summary>
    /// Builds the attributes. OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES (OTel spec);
    /// attributes given there win over the detected host.name and k8s.node.name.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Build(Func<string, string?> environment, string hostName)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in (environment("OTEL_RESOURCE_ATTRIBUTES") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Malformed entries are skipped, as the OTel SDKs do: resource detection must not stop the agent.
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                attributes[Uri.UnescapeDataString(pair[..equals].Trim())] = Uri.UnescapeDataString(pair[(equals + 1)..].Trim());
            }
        }

        if (environment("OTEL_SERVICE_NAME") is { Length: > 0 } serviceName)
        {
            attributes["service.name"] = serviceName;
        }

        attributes.TryAdd("service.name", DefaultServiceName);
        if (hostName.Length > 0)
        {
            attributes.TryAdd("host.name", hostName);
        }

        if (environment(NodeNameVariable) is { Length: > 0 } node)
        {
            attributes.TryAdd("k8s.node.name", node);
        }

        return attributes.OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
    }
}
