using System.Net;

namespace BgpLab.Engine.Frr;

/// <summary>
/// A BGP session state as FRR reports it: the RFC 4271 finite-state-machine states plus FRR's own
/// conditions that keep a session from exchanging routes.
/// </summary>
public enum FrrBgpSessionState
{
    /// <summary>FRR printed a state this module does not know.</summary>
    Unknown,
    Idle,
    Connect,
    Active,
    OpenSent,
    OpenConfirm,
    Established,
    /// <summary>The session is being torn down.</summary>
    Clearing,
    Deleted,
    /// <summary><c>neighbor … shutdown</c>: "Idle (Admin)".</summary>
    AdminShutdown,
    /// <summary>Maximum-prefix exceeded: "Idle (PfxCt)".</summary>
    PrefixLimitExceeded,
    /// <summary>Established, but eBGP without any policy exchanges nothing (RFC 8212): "(Policy)".</summary>
    PolicyBlocked,
}

/// <summary>One neighbor of one router in one address family, as in <c>show bgp summary</c>.</summary>
public sealed class FrrBgpPeer
{
    public required string Router { get; init; }
    public string Vrf { get; init; } = "default";
    /// <summary>FRR's address-family key, e.g. ipv4Unicast, ipv6Unicast, l2VpnEvpn.</summary>
    public string AddressFamily { get; init; } = "ipv4Unicast";
    public long? LocalAs { get; init; }
    public string? RouterId { get; init; }
    /// <summary>The neighbor as configured: an address, or an interface name for BGP unnumbered.</summary>
    public required string Neighbor { get; init; }
    /// <summary>The hostname the neighbor announced (hostname capability), when it did.</summary>
    public string? NeighborHostname { get; init; }
    /// <summary>The peer's AS; null while FRR does not know it (remote-as internal/external before the session is up).</summary>
    public long? RemoteAs { get; init; }
    public FrrBgpSessionState State { get; init; }
    /// <summary>The text FRR printed for the state (e.g. "Idle (Admin)").</summary>
    public string? StateText { get; init; }
    /// <summary>Time since the session came up (or went down, when it is not Established); null for "never".</summary>
    public TimeSpan? Uptime { get; init; }
    public long PrefixesReceived { get; init; }
    public long PrefixesSent { get; init; }
    public long MessagesIn { get; init; }
    public long MessagesOut { get; init; }
    public long InQ { get; init; }
    public long OutQ { get; init; }
    public string? Description { get; init; }
    /// <summary>Container the router runs in (name or id).</summary>
    public string? Container { get; init; }
    public bool IsEstablished => State is FrrBgpSessionState.Established or FrrBgpSessionState.PolicyBlocked;

    public override string ToString() => $"{Router} {Neighbor} AS{RemoteAs} {State}";
}

/// <summary>A next hop of a BGP path or RIB route: an address, an interface, or both.</summary>
public sealed class FrrNextHop
{
    public IPAddress? Address { get; init; }
    public string? Interface { get; init; }
    public string? Hostname { get; init; }
    /// <summary>global or link-local (IPv6 next hops of BGP paths).</summary>
    public string? Scope { get; init; }
    /// <summary>BGP: the next hop used for forwarding. RIB: the next hop is active.</summary>
    public bool IsActive { get; init; }
    /// <summary>RIB: the next hop is installed in the kernel FIB.</summary>
    public bool IsFib { get; init; }

    public override string ToString() =>
        Address is null ? Interface ?? "" : Interface is null ? Address.ToString() : $"{Address}%{Interface}";
}

/// <summary>One path of one prefix in a router's BGP table (<c>show bgp ipv4 json</c>).</summary>
public sealed class FrrBgpRoute
{
    public required string Router { get; init; }
    public string Vrf { get; init; } = "default";
    public string AddressFamily { get; init; } = "ipv4Unicast";
    public required IPNetwork Prefix { get; init; }
    public required IReadOnlyList<FrrNextHop> NextHops { get; init; }
    /// <summary>The AS numbers of the AS path, in order (sets and confederation segments flattened).</summary>
    public required IReadOnlyList<long> AsPath { get; init; }
    /// <summary>The AS path as FRR prints it (keeps set/confederation brackets).</summary>
    public string AsPathText { get; init; } = "";
    /// <summary>IGP, EGP or incomplete.</summary>
    public string? Origin { get; init; }
    public long? LocalPref { get; init; }
    public long? Med { get; init; }
    public long Weight { get; init; }
    public bool IsBest { get; init; }
    public bool IsMultipath { get; init; }
    public bool IsValid { get; init; }
    /// <summary>internal, external or confed.</summary>
    public string? PathFrom { get; init; }
    /// <summary>The peer the path came from (its address; null for locally originated paths).</summary>
    public string? Peer { get; init; }
    public string? Container { get; init; }

    public override string ToString() => $"{Router} {Prefix} via {string.Join(",", NextHops)}";
}

/// <summary>A neighbor in detail (<c>show bgp neighbors json</c>): what is needed to see why a session is not up.</summary>
public sealed class FrrBgpNeighbor
{
    public required string Router { get; init; }
    public string Vrf { get; init; } = "default";
    /// <summary>The neighbor as configured: address or interface name.</summary>
    public required string Neighbor { get; init; }
    /// <summary>The peer's address (for unnumbered sessions, the link-local address learned on the interface).</summary>
    public string? NeighborAddress { get; init; }
    public string? NeighborHostname { get; init; }
    public long? RemoteAs { get; init; }
    public long? LocalAs { get; init; }
    public string? RemoteRouterId { get; init; }
    public string? LocalRouterId { get; init; }
    public string? Description { get; init; }
    public string? PeerGroup { get; init; }
    public FrrBgpSessionState State { get; init; }
    public string? StateText { get; init; }
    public TimeSpan? Uptime { get; init; }
    public TimeSpan? HoldTime { get; init; }
    public TimeSpan? KeepaliveInterval { get; init; }
    public TimeSpan? ConfiguredHoldTime { get; init; }
    public TimeSpan? ConfiguredKeepaliveInterval { get; init; }
    public long ConnectionsEstablished { get; init; }
    public long ConnectionsDropped { get; init; }
    public string? LastResetReason { get; init; }
    public long? LastResetCode { get; init; }
    /// <summary>How long ago the last reset happened.</summary>
    public TimeSpan? LastResetAgo { get; init; }
    public string? LocalHost { get; init; }
    public string? ForeignHost { get; init; }
    public long MessagesIn { get; init; }
    public long MessagesOut { get; init; }
    /// <summary>Capability name → how it was exchanged (e.g. "4byteAs" → "advertisedAndReceived",
    /// "multiprotocolExtensions.ipv4Unicast" → "advertisedAndReceived").</summary>
    public required IReadOnlyDictionary<string, string> Capabilities { get; init; }
    /// <summary>Address families configured for the neighbor, with accepted/sent prefix counts.</summary>
    public required IReadOnlyDictionary<string, FrrBgpNeighborFamily> AddressFamilies { get; init; }
    public string? Container { get; init; }
    public bool IsEstablished => State is FrrBgpSessionState.Established or FrrBgpSessionState.PolicyBlocked;

    public override string ToString() => $"{Router} {Neighbor} {State}";
}

/// <summary>Per-address-family counters of one neighbor.</summary>
public sealed record FrrBgpNeighborFamily(string AddressFamily, long PrefixesAccepted, long PrefixesSent, string? PeerGroup);

/// <summary>One route of the zebra RIB (<c>show ip route json</c>).</summary>
public sealed class FrrRoute
{
    public required string Router { get; init; }
    public string Vrf { get; init; } = "default";
    public required IPNetwork Prefix { get; init; }
    /// <summary>connected, kernel, static, bgp, ospf, …</summary>
    public string? Protocol { get; init; }
    public bool IsSelected { get; init; }
    public bool IsInstalled { get; init; }
    public long? Distance { get; init; }
    public long? Metric { get; init; }
    public long? Table { get; init; }
    public TimeSpan? Uptime { get; init; }
    public required IReadOnlyList<FrrNextHop> NextHops { get; init; }
    public string? Container { get; init; }

    public override string ToString() => $"{Router} {Protocol} {Prefix} via {string.Join(",", NextHops)}";
}

/// <summary>The output of raw vtysh commands on one router.</summary>
public sealed class FrrVtyshOutput
{
    public required string Router { get; init; }
    public required string Container { get; init; }
    public required IReadOnlyList<string> Commands { get; init; }
    public required string Output { get; init; }

    public override string ToString() => Output;
}
