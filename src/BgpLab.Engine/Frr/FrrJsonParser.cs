using System.Net;
using System.Text.Json;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Frr;

/// <summary>
/// Turns vtysh JSON into typed objects in one forward pass over the UTF-8 bytes (no DOM), tolerant of
/// the differences between FRR releases: per-AFI wrappers (<c>ipv4Unicast</c>) or none, VRF wrappers
/// (<c>vrf all</c>), peers keyed by interface (unnumbered), counters as numbers or strings, missing keys.
/// </summary>
public static class FrrJsonParser
{
    private static readonly JsonReaderOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    // ---------------------------------------------------------------- summary

    /// <summary>
    /// Peers of <c>show bgp [vrf …] [afi [safi]] summary json</c>. <paramref name="addressFamily"/> is the family the
    /// command asked for, used when the output has no AFI wrapper; <paramref name="vrf"/> likewise for the VRF.
    /// </summary>
    public static List<FrrBgpPeer> ParseBgpSummary(ReadOnlySpan<byte> json, string router, string? container = null,
        string addressFamily = "ipv4Unicast", string vrf = "default")
    {
        var peers = new List<FrrBgpPeer>();
        var reader = new Utf8JsonReader(json, Options);
        if (json.Trim(" \t\r\n"u8).IsEmpty || !StartRoot(ref reader, router)) return peers;
        var context = new BlockContext(router, container, vrf, addressFamily, null, null, InFamily: false, InVrf: false);
        try
        {
            ReadSummaryBlock(ref reader, context, peers);
        }
        catch (JsonException e)
        {
            throw Malformed(router, "BGP summary", e);
        }
        return peers;
    }

    private readonly record struct BlockContext(string Router, string? Container, string Vrf, string Family,
        string? RouterId, long? LocalAs, bool InFamily, bool InVrf);

    private static void ReadSummaryBlock(ref Utf8JsonReader reader, BlockContext context, List<FrrBgpPeer> peers)
    {
        var routerId = context.RouterId;
        var localAs = context.LocalAs;
        var vrf = context.Vrf;
        List<PeerFields>? pending = null;
        while (NextProperty(ref reader, out var name))
        {
            switch (name)
            {
                case "peers" when reader.TokenType == JsonTokenType.StartObject:
                    pending ??= new List<PeerFields>();
                    while (NextProperty(ref reader, out var neighbor))
                    {
                        if (reader.TokenType == JsonTokenType.StartObject) pending.Add(ReadPeer(ref reader, neighbor));
                        else reader.Skip();
                    }
                    break;
                case "routerId":
                    routerId = ReadString(ref reader);
                    break;
                case "as":
                    localAs = ReadLong(ref reader);
                    break;
                case "vrfName":
                    vrf = NormalizeVrf(ReadString(ref reader)) ?? vrf;
                    break;
                default:
                    if (reader.TokenType == JsonTokenType.StartObject && IsAddressFamilyKey(name))
                        ReadSummaryBlock(ref reader, context with { Family = name, Vrf = vrf, RouterId = routerId, LocalAs = localAs, InFamily = true }, peers);
                    else if (reader.TokenType == JsonTokenType.StartObject && !context.InFamily && !context.InVrf)
                        ReadSummaryBlock(ref reader, context with { Vrf = NormalizeVrf(name)!, InVrf = true }, peers);
                    else
                        reader.Skip();
                    break;
            }
        }
        if (pending is null) return;
        foreach (var p in pending)
        {
            peers.Add(new FrrBgpPeer
            {
                Router = context.Router,
                Container = context.Container,
                Vrf = vrf,
                AddressFamily = context.Family,
                LocalAs = p.LocalAs ?? localAs,
                RouterId = routerId,
                Neighbor = p.Name,
                NeighborHostname = p.Hostname,
                RemoteAs = KnownAs(p.RemoteAs),
                State = MapState(p.State, p.PeerState, p.AdminShutdown),
                StateText = p.State,
                Uptime = p.UptimeMsec is { } ms && !IsNever(p.UptimeText) ? TimeSpan.FromMilliseconds(ms) : ParseDuration(p.UptimeText),
                PrefixesReceived = p.PfxRcd ?? 0,
                PrefixesSent = p.PfxSnt ?? 0,
                MessagesIn = p.MsgRcvd ?? 0,
                MessagesOut = p.MsgSent ?? 0,
                InQ = p.InQ ?? 0,
                OutQ = p.OutQ ?? 0,
                Description = p.Description,
            });
        }
    }

    private struct PeerFields
    {
        public string Name;
        public string? Hostname, State, PeerState, UptimeText, Description;
        public long? RemoteAs, LocalAs, MsgRcvd, MsgSent, UptimeMsec, PfxRcd, PfxSnt, InQ, OutQ;
        public bool AdminShutdown;
    }

    private static PeerFields ReadPeer(ref Utf8JsonReader reader, string name)
    {
        var p = new PeerFields { Name = name };
        while (NextProperty(ref reader, out var key))
        {
            switch (key)
            {
                case "hostname": p.Hostname = ReadString(ref reader); break;
                case "remoteAs": p.RemoteAs = ReadLong(ref reader); break;
                case "localAs": p.LocalAs = ReadLong(ref reader); break;
                case "msgRcvd": p.MsgRcvd = ReadLong(ref reader); break;
                case "msgSent": p.MsgSent = ReadLong(ref reader); break;
                case "inq": p.InQ = ReadLong(ref reader); break;
                case "outq": p.OutQ = ReadLong(ref reader); break;
                case "peerUptime": p.UptimeText = ReadString(ref reader); break;
                case "peerUptimeMsec": p.UptimeMsec = ReadLong(ref reader); break;
                case "pfxRcd": p.PfxRcd = ReadLong(ref reader); break;
                case "pfxSnt": p.PfxSnt = ReadLong(ref reader); break;
                case "state": p.State = ReadString(ref reader); break;
                case "peerState": p.PeerState = ReadString(ref reader); break;
                case "desc": p.Description = ReadString(ref reader); break;
                case "adminShutDown": p.AdminShutdown = ReadBool(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        return p;
    }

    // ---------------------------------------------------------------- BGP table

    /// <summary>Paths of <c>show bgp [vrf …] [afi [safi]] json</c>, optionally filtered while reading.</summary>
    public static List<FrrBgpRoute> ParseBgpRoutes(ReadOnlySpan<byte> json, string router, string? container = null,
        string addressFamily = "ipv4Unicast", string vrf = "default", Func<FrrBgpRoute, bool>? filter = null)
    {
        var routes = new List<FrrBgpRoute>();
        var reader = new Utf8JsonReader(json, Options);
        if (json.Trim(" \t\r\n"u8).IsEmpty || !StartRoot(ref reader, router)) return routes;
        try
        {
            ReadRouteBlock(ref reader, new RouteContext(router, container, vrf, addressFamily, filter, false), routes);
        }
        catch (JsonException e)
        {
            throw Malformed(router, "BGP table", e);
        }
        return routes;
    }

    /// <summary><see cref="ParseBgpRoutes(ReadOnlySpan{byte}, string, string?, string, string, Func{FrrBgpRoute, bool}?)"/> for callers that cannot pass spans (PowerShell).</summary>
    public static List<FrrBgpRoute> ParseBgpRoutes(ReadOnlyMemory<byte> json, string router) => ParseBgpRoutes(json.Span, router);

    private readonly record struct RouteContext(string Router, string? Container, string Vrf, string Family, Func<FrrBgpRoute, bool>? Filter, bool InVrf);

    private static void ReadRouteBlock(ref Utf8JsonReader reader, RouteContext context, List<FrrBgpRoute> routes)
    {
        while (NextProperty(ref reader, out var name))
        {
            if (name == "vrfName") context = context with { Vrf = NormalizeVrf(ReadString(ref reader)) ?? context.Vrf };
            else if (name == "routes" && reader.TokenType == JsonTokenType.StartObject) ReadRoutesMap(ref reader, context, routes);
            else if (reader.TokenType == JsonTokenType.StartObject && !context.InVrf && IsAddressFamilyKey(name))
                ReadRouteBlock(ref reader, context with { Family = name }, routes);
            else if (reader.TokenType == JsonTokenType.StartObject && !context.InVrf)
                ReadRouteBlock(ref reader, context with { Vrf = NormalizeVrf(name)!, InVrf = true }, routes);
            else reader.Skip();
        }
    }

    private static void ReadRoutesMap(ref Utf8JsonReader reader, RouteContext context, List<FrrBgpRoute> routes)
    {
        while (NextProperty(ref reader, out var prefixText))
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                IPNetwork? prefix = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject) { reader.Skip(); continue; }
                    prefix ??= ParsePrefix(prefixText, context.Router);
                    var route = ReadPath(ref reader, context, prefix.Value);
                    if (context.Filter is null || context.Filter(route)) routes.Add(route);
                }
            }
            else if (reader.TokenType == JsonTokenType.StartObject)
            {
                // VPN tables nest prefixes under route distinguishers.
                ReadRoutesMap(ref reader, context, routes);
            }
            else reader.Skip();
        }
    }

    private static FrrBgpRoute ReadPath(ref Utf8JsonReader reader, RouteContext context, IPNetwork prefix)
    {
        bool valid = false, best = false, multipath = false;
        string? pathFrom = null, peer = null, asPath = null, origin = null;
        long? med = null, localPref = null, weight = null;
        var nextHops = new List<FrrNextHop>(2);
        while (NextProperty(ref reader, out var key))
        {
            switch (key)
            {
                case "valid": valid = ReadBool(ref reader); break;
                case "bestpath": best = ReadBool(ref reader); break;
                case "multipath": multipath = ReadBool(ref reader); break;
                case "pathFrom": pathFrom = ReadString(ref reader); break;
                case "peerId": peer = ReadString(ref reader); break;
                case "path": asPath = ReadString(ref reader); break;
                case "aspath" when reader.TokenType == JsonTokenType.StartObject:
                    while (NextProperty(ref reader, out var k))
                    {
                        if (k == "string") asPath = ReadString(ref reader);
                        else reader.Skip();
                    }
                    break;
                case "origin": origin = ReadString(ref reader); break;
                case "metric": med = ReadLong(ref reader); break;
                case "locPrf": localPref = ReadLong(ref reader); break;
                case "weight": weight = ReadLong(ref reader); break;
                case "nexthops" when reader.TokenType == JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.StartObject) nextHops.Add(ReadNextHop(ref reader, bgp: true));
                        else reader.Skip();
                    }
                    break;
                default: reader.Skip(); break;
            }
        }
        if (peer is "(unspec)" or "") peer = null;
        return new FrrBgpRoute
        {
            Router = context.Router,
            Container = context.Container,
            Vrf = context.Vrf,
            AddressFamily = context.Family,
            Prefix = prefix,
            NextHops = nextHops,
            AsPath = ParseAsPath(asPath),
            AsPathText = asPath ?? "",
            Origin = origin,
            Med = med,
            LocalPref = localPref,
            Weight = weight ?? 0,
            IsValid = valid,
            IsBest = best,
            IsMultipath = multipath,
            PathFrom = pathFrom,
            Peer = peer,
        };
    }

    private static FrrNextHop ReadNextHop(ref Utf8JsonReader reader, bool bgp)
    {
        string? ip = null, iface = null, hostname = null, scope = null;
        bool active = false, fib = false;
        while (NextProperty(ref reader, out var key))
        {
            switch (key)
            {
                case "ip": ip = ReadString(ref reader); break;
                case "interface" or "interfaceName": iface = ReadString(ref reader); break;
                case "hostname": hostname = ReadString(ref reader); break;
                case "scope": scope = ReadString(ref reader); break;
                case "used" when bgp: active = ReadBool(ref reader); break;
                case "active" when !bgp: active = ReadBool(ref reader); break;
                case "fib": fib = ReadBool(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        IPAddress? address = ip is not null && IPAddress.TryParse(ip, out var a) ? a : null;
        return new FrrNextHop { Address = address, Interface = iface, Hostname = hostname, Scope = scope, IsActive = active, IsFib = fib };
    }

    /// <summary>All AS numbers of a path string such as "65002 65003 {65010,65011} (65100)" (asdot "1.10" too).</summary>
    public static IReadOnlyList<long> ParseAsPath(string? path)
    {
        if (string.IsNullOrEmpty(path)) return Array.Empty<long>();
        var result = new List<long>(4);
        long value = 0, high = -1;
        var inNumber = false;
        foreach (var c in path)
        {
            if (c is >= '0' and <= '9')
            {
                value = value * 10 + (c - '0');
                inNumber = true;
            }
            else if (c == '.' && inNumber && high < 0)
            {
                high = value;
                value = 0;
            }
            else if (inNumber)
            {
                result.Add(high < 0 ? value : (high << 16) + value);
                value = 0;
                high = -1;
                inNumber = false;
            }
        }
        if (inNumber) result.Add(high < 0 ? value : (high << 16) + value);
        return result;
    }

    // ---------------------------------------------------------------- neighbors

    /// <summary>Neighbors of <c>show bgp [vrf …] neighbors [x] json</c>.</summary>
    public static List<FrrBgpNeighbor> ParseBgpNeighbors(ReadOnlySpan<byte> json, string router, string? container = null, string vrf = "default")
    {
        var neighbors = new List<FrrBgpNeighbor>();
        var reader = new Utf8JsonReader(json, Options);
        if (json.Trim(" \t\r\n"u8).IsEmpty || !StartRoot(ref reader, router)) return neighbors;
        try
        {
            ReadNeighborMap(ref reader, router, container, vrf, inVrf: false, neighbors);
        }
        catch (JsonException e)
        {
            throw Malformed(router, "BGP neighbors", e);
        }
        return neighbors;
    }

    private static void ReadNeighborMap(ref Utf8JsonReader reader, string router, string? container, string vrf, bool inVrf, List<FrrBgpNeighbor> neighbors)
    {
        while (NextProperty(ref reader, out var name))
        {
            if (name == "vrfName") { vrf = NormalizeVrf(ReadString(ref reader)) ?? vrf; continue; }
            if (reader.TokenType != JsonTokenType.StartObject) { reader.Skip(); continue; }
            if (!inVrf && LooksLikeWrapper(reader))
                ReadNeighborMap(ref reader, router, container, NormalizeVrf(name)!, inVrf: true, neighbors);
            else
                neighbors.Add(ReadNeighbor(ref reader, router, container, vrf, name));
        }
    }

    /// <summary>A VRF wrapper starts with vrfId/vrfName or with a neighbor object; a neighbor starts with a scalar.</summary>
    private static bool LooksLikeWrapper(Utf8JsonReader lookahead)
    {
        if (!lookahead.Read()) return false;
        if (lookahead.TokenType == JsonTokenType.EndObject) return true; // an empty VRF
        if (lookahead.TokenType != JsonTokenType.PropertyName) return false;
        if (lookahead.ValueTextEquals("vrfId") || lookahead.ValueTextEquals("vrfName")) return true;
        return lookahead.Read() && lookahead.TokenType == JsonTokenType.StartObject;
    }

    private static FrrBgpNeighbor ReadNeighbor(ref Utf8JsonReader reader, string router, string? container, string vrf, string name)
    {
        string? address = null, hostname = null, remoteId = null, localId = null, description = null, group = null, state = null;
        string? uptimeText = null, resetReason = null, localHost = null, foreignHost = null;
        long? remoteAs = null, localAs = null, uptimeMs = null, hold = null, keepalive = null, confHold = null, confKeepalive = null;
        long? established = null, dropped = null, resetCode = null, resetAgo = null, totalIn = null, totalOut = null;
        var admin = false;
        bool? internalLink = null;
        var capabilities = new Dictionary<string, string>(StringComparer.Ordinal);
        var families = new Dictionary<string, FrrBgpNeighborFamily>(StringComparer.Ordinal);
        while (NextProperty(ref reader, out var key))
        {
            switch (key)
            {
                case "bgpNeighborAddr": address = ReadString(ref reader); break;
                case "remoteAs": remoteAs = ReadLong(ref reader); break;
                case "localAs": localAs = ReadLong(ref reader); break;
                case "hostname": hostname = ReadString(ref reader); break;
                case "remoteRouterId": remoteId = ReadString(ref reader); break;
                case "localRouterId": localId = ReadString(ref reader); break;
                case "nbrDesc": description = ReadString(ref reader); break;
                case "peerGroup": group = ReadString(ref reader); break;
                case "adminShutDown": admin = ReadBool(ref reader); break;
                case "nbrInternalLink": internalLink = ReadBool(ref reader); break;
                case "bgpState": state = ReadString(ref reader); break;
                case "bgpTimerUpMsec": uptimeMs = ReadLong(ref reader); break;
                case "bgpTimerUpString": uptimeText = ReadString(ref reader); break;
                case "bgpTimerHoldTimeMsecs": hold = ReadLong(ref reader); break;
                case "bgpTimerKeepAliveIntervalMsecs": keepalive = ReadLong(ref reader); break;
                case "bgpTimerConfiguredHoldTimeMsecs": confHold = ReadLong(ref reader); break;
                case "bgpTimerConfiguredKeepAliveIntervalMsecs": confKeepalive = ReadLong(ref reader); break;
                case "connectionsEstablished": established = ReadLong(ref reader); break;
                case "connectionsDropped": dropped = ReadLong(ref reader); break;
                case "lastResetDueTo": resetReason = ReadString(ref reader); break;
                case "lastResetCode": resetCode = ReadLong(ref reader); break;
                case "lastResetTimerMsecs": resetAgo = ReadLong(ref reader); break;
                case "hostLocal": localHost = ReadString(ref reader); break;
                case "hostForeign": foreignHost = ReadString(ref reader); break;
                case "messageStats" when reader.TokenType == JsonTokenType.StartObject:
                    while (NextProperty(ref reader, out var k))
                    {
                        if (k == "totalRecv") totalIn = ReadLong(ref reader);
                        else if (k == "totalSent") totalOut = ReadLong(ref reader);
                        else reader.Skip();
                    }
                    break;
                case "neighborCapabilities" when reader.TokenType == JsonTokenType.StartObject:
                    ReadCapabilities(ref reader, "", capabilities);
                    break;
                case "addressFamilyInfo" when reader.TokenType == JsonTokenType.StartObject:
                    while (NextProperty(ref reader, out var family))
                    {
                        if (reader.TokenType != JsonTokenType.StartObject) { reader.Skip(); continue; }
                        long accepted = 0, sent = 0;
                        string? member = null;
                        while (NextProperty(ref reader, out var k))
                        {
                            if (k == "acceptedPrefixCounter") accepted = ReadLong(ref reader) ?? 0;
                            else if (k == "sentPrefixCounter") sent = ReadLong(ref reader) ?? 0;
                            else if (k == "peerGroupMember") member = ReadString(ref reader);
                            else reader.Skip();
                        }
                        families[family] = new FrrBgpNeighborFamily(family, accepted, sent, member);
                    }
                    break;
                default: reader.Skip(); break;
            }
        }
        return new FrrBgpNeighbor
        {
            Router = router,
            Container = container,
            Vrf = vrf,
            Neighbor = name,
            NeighborAddress = address ?? (IPAddress.TryParse(name, out _) ? name : null),
            NeighborHostname = hostname,
            // "remote-as internal" shows AS 0 until the session is up; an internal link means the local AS.
            RemoteAs = KnownAs(remoteAs) ?? (internalLink == true ? localAs : null),
            LocalAs = localAs,
            RemoteRouterId = remoteId,
            LocalRouterId = localId,
            Description = description,
            PeerGroup = group ?? families.Values.Select(f => f.PeerGroup).FirstOrDefault(g => g is not null),
            State = MapState(state, null, admin),
            StateText = state,
            Uptime = uptimeMs is { } ms ? TimeSpan.FromMilliseconds(ms) : ParseDuration(uptimeText),
            HoldTime = Msec(hold),
            KeepaliveInterval = Msec(keepalive),
            ConfiguredHoldTime = Msec(confHold),
            ConfiguredKeepaliveInterval = Msec(confKeepalive),
            ConnectionsEstablished = established ?? 0,
            ConnectionsDropped = dropped ?? 0,
            LastResetReason = resetReason,
            LastResetCode = resetCode,
            LastResetAgo = Msec(resetAgo),
            LocalHost = localHost,
            ForeignHost = foreignHost,
            MessagesIn = totalIn ?? 0,
            MessagesOut = totalOut ?? 0,
            Capabilities = capabilities,
            AddressFamilies = families,
        };
    }

    private static void ReadCapabilities(ref Utf8JsonReader reader, string prefix, Dictionary<string, string> capabilities)
    {
        while (NextProperty(ref reader, out var key))
        {
            var name = prefix.Length == 0 ? key : prefix + "." + key;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                // {"ipv4Unicast":{"advertisedAndReceived":true}} reads better as ipv4Unicast=advertisedAndReceived.
                var flags = new List<string>();
                var nested = reader;
                var onlyTrueFlags = true;
                while (NextProperty(ref nested, out var k))
                {
                    if (nested.TokenType == JsonTokenType.True) flags.Add(k);
                    else if (nested.TokenType == JsonTokenType.False) { }
                    else { onlyTrueFlags = false; nested.Skip(); }
                }
                if (onlyTrueFlags && flags.Count > 0)
                {
                    reader = nested;
                    capabilities[name] = string.Join(",", flags);
                }
                else ReadCapabilities(ref reader, name, capabilities);
            }
            else if (reader.TokenType == JsonTokenType.StartArray) reader.Skip();
            else capabilities[name] = ReadString(ref reader) ?? "";
        }
    }

    // ---------------------------------------------------------------- RIB

    /// <summary>Routes of <c>show ip[v6] route [vrf …] json</c>.</summary>
    public static List<FrrRoute> ParseRib(ReadOnlySpan<byte> json, string router, string? container = null, string vrf = "default")
    {
        var routes = new List<FrrRoute>();
        var reader = new Utf8JsonReader(json, Options);
        if (json.Trim(" \t\r\n"u8).IsEmpty || !StartRoot(ref reader, router)) return routes;
        try
        {
            ReadRibMap(ref reader, router, container, vrf, inVrf: false, routes);
        }
        catch (JsonException e)
        {
            throw Malformed(router, "routing table", e);
        }
        return routes;
    }

    private static void ReadRibMap(ref Utf8JsonReader reader, string router, string? container, string vrf, bool inVrf, List<FrrRoute> routes)
    {
        while (NextProperty(ref reader, out var name))
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                var prefix = ParsePrefix(name, router);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.StartObject) routes.Add(ReadRibEntry(ref reader, router, container, vrf, prefix));
                    else reader.Skip();
                }
            }
            else if (reader.TokenType == JsonTokenType.StartObject && !inVrf)
                ReadRibMap(ref reader, router, container, NormalizeVrf(name)!, inVrf: true, routes);
            else reader.Skip();
        }
    }

    private static FrrRoute ReadRibEntry(ref Utf8JsonReader reader, string router, string? container, string vrf, IPNetwork prefix)
    {
        string? protocol = null, uptime = null, entryVrf = null;
        bool selected = false, installed = false;
        long? distance = null, metric = null, table = null;
        var nextHops = new List<FrrNextHop>(1);
        while (NextProperty(ref reader, out var key))
        {
            switch (key)
            {
                case "protocol": protocol = ReadString(ref reader); break;
                case "selected": selected = ReadBool(ref reader); break;
                case "installed": installed = ReadBool(ref reader); break;
                case "distance": distance = ReadLong(ref reader); break;
                case "metric": metric = ReadLong(ref reader); break;
                case "table": table = ReadLong(ref reader); break;
                case "uptime": uptime = ReadString(ref reader); break;
                case "vrfName": entryVrf = NormalizeVrf(ReadString(ref reader)); break;
                case "nexthops" when reader.TokenType == JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.StartObject) nextHops.Add(ReadNextHop(ref reader, bgp: false));
                        else reader.Skip();
                    }
                    break;
                default: reader.Skip(); break;
            }
        }
        return new FrrRoute
        {
            Router = router,
            Container = container,
            Vrf = entryVrf ?? vrf,
            Prefix = prefix,
            Protocol = protocol,
            IsSelected = selected,
            IsInstalled = installed,
            Distance = distance,
            Metric = metric,
            Table = table,
            Uptime = ParseDuration(uptime),
            NextHops = nextHops,
        };
    }

    // ---------------------------------------------------------------- shared pieces

    /// <summary>FRR's state text (and peerState / adminShutDown) as an enum.</summary>
    public static FrrBgpSessionState MapState(string? state, string? peerState = null, bool adminShutdown = false)
    {
        if (adminShutdown || peerState == "Admin" || (state?.Contains("(Admin)", StringComparison.Ordinal) ?? false)) return FrrBgpSessionState.AdminShutdown;
        if (peerState == "PfxCt" || (state?.Contains("(PfxCt)", StringComparison.Ordinal) ?? false)) return FrrBgpSessionState.PrefixLimitExceeded;
        if ((peerState == "Policy" && state is not null && state.StartsWith("Established", StringComparison.Ordinal))
            || (state?.Contains("(Policy)", StringComparison.Ordinal) ?? false)) return FrrBgpSessionState.PolicyBlocked;
        if (string.IsNullOrEmpty(state)) return FrrBgpSessionState.Unknown;
        var word = state.AsSpan().Trim();
        var space = word.IndexOf(' ');
        if (space > 0) word = word[..space];
        return Enum.TryParse<FrrBgpSessionState>(word, ignoreCase: true, out var s) ? s : FrrBgpSessionState.Unknown;
    }

    private static bool IsNever(string? text) => text is not null && text.Equals("never", StringComparison.OrdinalIgnoreCase);

    /// <summary>FRR's up/down times: "00:01:02", "1d02h03m", "02w3d04h"; null for "never" or empty.</summary>
    public static TimeSpan? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || IsNever(text)) return null;
        text = text.Trim();
        if (text.Contains(':'))
        {
            var parts = text.Split(':');
            if (parts.Length == 3 && int.TryParse(parts[0], out var h) && int.TryParse(parts[1], out var m) && int.TryParse(parts[2], out var s))
                return new TimeSpan(h, m, s);
            return null;
        }
        long total = 0, number = 0;
        var any = false;
        foreach (var c in text)
        {
            if (c is >= '0' and <= '9') { number = number * 10 + (c - '0'); continue; }
            var unit = c switch { 'w' => 604800L, 'd' => 86400L, 'h' => 3600L, 'm' => 60L, 's' => 1L, _ => -1L };
            if (unit < 0) return null;
            total += number * unit;
            number = 0;
            any = true;
        }
        return any ? TimeSpan.FromSeconds(total) : null;
    }

    /// <summary>AS 0 is FRR's "not known yet" (remote-as internal/external before the session is up).</summary>
    private static long? KnownAs(long? asn) => asn is 0 ? null : asn;

    private static TimeSpan? Msec(long? ms) => ms is { } v ? TimeSpan.FromMilliseconds(v) : null;

    /// <summary>FRR keys for address families: ipv4Unicast, ipv6Multicast, ipv4Vpn, l2VpnEvpn, ipv4Flowspec, …</summary>
    public static bool IsAddressFamilyKey(string name) =>
        name.StartsWith("ipv4", StringComparison.Ordinal) || name.StartsWith("ipv6", StringComparison.Ordinal)
        || name.StartsWith("l2Vpn", StringComparison.OrdinalIgnoreCase);

    private static string? NormalizeVrf(string? vrf) =>
        vrf is null ? null : vrf.Equals("default", StringComparison.OrdinalIgnoreCase) ? "default" : vrf;

    private static IPNetwork ParsePrefix(string text, string router)
    {
        if (IPNetwork.TryParse(text, out var network)) return network;
        // Host bits set (FRR prints what the kernel holds): keep the network part.
        var slash = text.IndexOf('/');
        if (slash > 0 && IPAddress.TryParse(text.AsSpan(0, slash), out var address) && int.TryParse(text.AsSpan(slash + 1), out var length))
        {
            var bytes = address.GetAddressBytes();
            for (var i = 0; i < bytes.Length; i++)
            {
                var keep = Math.Clamp(length - i * 8, 0, 8);
                bytes[i] &= (byte)(0xFF << (8 - keep));
            }
            return new IPNetwork(new IPAddress(bytes), length);
        }
        throw new BgpLabException($"Router '{router}' printed '{text}' where a prefix was expected.", "FrrBadPrefix", FailureKind.ParserError, router);
    }

    /// <summary>Positions on the root object; false for empty output (FRR prints nothing when a daemon has no data).</summary>
    private static bool StartRoot(ref Utf8JsonReader reader, string router)
    {
        try
        {
            if (!reader.Read()) return false;
        }
        catch (JsonException e)
        {
            throw Malformed(router, "output", e);
        }
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new BgpLabException($"Router '{router}' did not answer with a JSON object (first token: {reader.TokenType}).",
                "FrrUnexpectedOutput", FailureKind.ParserError, router);
        return true;
    }

    /// <summary>Moves to the next property of the current object and onto its value; false at the object's end.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader, out string name)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            name = "";
            return false;
        }
        name = reader.GetString()!;
        reader.Read();
        return true;
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String: return reader.GetString();
            case JsonTokenType.Number: return System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
            case JsonTokenType.True: return "true";
            case JsonTokenType.False: return "false";
            case JsonTokenType.Null: return null;
            default: reader.Skip(); return null;
        }
    }

    private static long? ReadLong(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (reader.TryGetInt64(out var l)) return l;
                return (long)reader.GetDouble();
            case JsonTokenType.String:
                var s = reader.GetString();
                return long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                reader.Skip();
                return null;
            default:
                return null;
        }
    }

    private static bool ReadBool(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True: return true;
            case JsonTokenType.False: return false;
            case JsonTokenType.Number: return reader.TryGetInt64(out var n) && n != 0;
            case JsonTokenType.String: return reader.GetString() is "true" or "1" or "yes";
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray: reader.Skip(); return false;
            default: return false;
        }
    }

    private static BgpLabException Malformed(string router, string what, JsonException e) =>
        new($"Router '{router}' returned malformed JSON for its {what}: {e.Message}", "FrrMalformedJson", FailureKind.ParserError, router, e);
}
