using NetScope.Exporters.Configuration;
using YamlDotNet.RepresentationModel;

namespace NetScope.Agent.Configuration;

/// <summary>Reads and validates `events:` (docs/configuration.md) with positioned errors.</summary>
internal sealed class EventsSectionReader(YamlNodeReader reader)
{
    /// <summary>Largest ring accepted: 64 MiB of locked kernel memory is already a lot for a node agent.</summary>
    private const int MaxRingSize = 64 * 1024 * 1024;

    public EventsSettings Read(YamlNode node, EventsSettings settings)
    {
        reader.Mapping(node, "events", new Dictionary<string, Action<YamlNode>>
        {
            ["slow_threshold"] = value => settings = settings with { SlowThreshold = ReadSlowThreshold(value, settings.SlowThreshold) },
            ["connection_close"] = value => settings = settings with { ConnectionClose = reader.Boolean(value, "events.connection_close") ?? settings.ConnectionClose },
            ["budget"] = value => settings = settings with { Budget = (int?)reader.WholeNumber(value, "events.budget", 1, 10_000_000) ?? settings.Budget },
            ["ring_size"] = value => settings = settings with { RingSize = ReadRingSize(value) ?? settings.RingSize },
            ["keep"] = value => settings = settings with { Keep = (int?)reader.WholeNumber(value, "events.keep", 0, 10_000) ?? settings.Keep },
            ["expose_addresses"] = value => settings = settings with { ExposeAddresses = reader.Boolean(value, "events.expose_addresses") ?? settings.ExposeAddresses },
        });
        return settings;
    }

    /// <summary>A duration, or `off` for no slow-request events.</summary>
    private TimeSpan? ReadSlowThreshold(YamlNode node, TimeSpan? current)
    {
        string? text = reader.Scalar(node, "events.slow_threshold");
        if (text is null)
        {
            return current;
        }

        return text == "off" ? null : reader.Duration(node, "events.slow_threshold", text) ?? current;
    }

    /// <summary>BPF ring buffers must be a power-of-two multiple of the page size.</summary>
    private int? ReadRingSize(YamlNode node)
    {
        long? size = reader.WholeNumber(node, "events.ring_size", Environment.SystemPageSize, MaxRingSize);
        if (size is { } s && (s & (s - 1)) != 0)
        {
            reader.Error(node.Start, $"events.ring_size: {s} is not a power of two (e.g. 262144)");
            return null;
        }

        return (int?)size;
    }
}
