namespace NetScope.Native;

/// <summary>How an XDP program is attached.</summary>
public enum XdpMode
{
    /// <summary>In the driver, before an skb is allocated (fastest).</summary>
    Native,
    /// <summary>In the generic receive path, after skb allocation (works on every interface).</summary>
    Generic,
}
