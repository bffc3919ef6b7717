using System.Text.Json.Nodes;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Cilium;

/// <summary>A Cilium custom object the module reads and applies: its API identity and its JSON form.</summary>
public interface ICiliumObject
{
    string Name { get; }
    string ApiVersion { get; }
    string Kind { get; }
    /// <summary>The plural resource name (ciliumbgppeeringpolicies, ...).</summary>
    string Plural { get; }
    JsonObject ToJson();
}

/// <summary>BGP control plane v2 <c>CiliumBGPClusterConfig</c>: which nodes run which BGP instances and their peers.</summary>
public sealed class CiliumBgpClusterConfig : ICiliumObject
{
    public const string KindName = "CiliumBGPClusterConfig";
    public required string Name { get; set; }
    public CiliumLabelSelector? NodeSelector { get; set; }
    public List<CiliumBgpInstance> BgpInstances { get; set; } = new();
    public string ApiVersion { get; set; } = "cilium.io/v2";
    public string Kind => KindName;
    public string Plural => "ciliumbgpclusterconfigs";

    public JsonObject ToJson()
    {
        var spec = new JsonObject();
        spec["bgpInstances"] = new JsonArray(BgpInstances.Select(i => (JsonNode)i.ToJson()).ToArray());
        if (NodeSelector is not null) spec["nodeSelector"] = NodeSelector.ToJson();
        return CiliumObjects.Envelope(this, null, spec);
    }

    public static CiliumBgpClusterConfig FromJson(JsonNode node) => new()
    {
        Name = node["metadata"]?["name"]?.GetValue<string>() ?? "",
        ApiVersion = node["apiVersion"]?.GetValue<string>() ?? "cilium.io/v2",
        NodeSelector = CiliumLabelSelector.FromJson(node["spec"]?["nodeSelector"]),
        BgpInstances = node["spec"]?["bgpInstances"] is JsonArray a ? a.Select(i => CiliumBgpInstance.FromJson(i!)).ToList() : new(),
    };

    public override string ToString() => Name;
}

/// <summary>One BGP instance of a cluster config (the v2 counterpart of a virtual router).</summary>
public sealed class CiliumBgpInstance
{
    public required string Name { get; set; }
    public long? LocalAsn { get; set; }
    public int? LocalPort { get; set; }
    public List<CiliumBgpInstancePeer> Peers { get; set; } = new();

    internal JsonObject ToJson()
    {
        var o = new JsonObject();
        if (LocalAsn is { } asn) o["localASN"] = asn;
        if (LocalPort is { } port) o["localPort"] = port;
        o["name"] = Name;
        o["peers"] = new JsonArray(Peers.Select(p => (JsonNode)p.ToJson()).ToArray());
        return o;
    }

    internal static CiliumBgpInstance FromJson(JsonNode node) => new()
    {
        Name = node["name"]?.GetValue<string>() ?? "",
        LocalAsn = JsonMap.Long(node["localASN"]),
        LocalPort = JsonMap.Int(node["localPort"]),
        Peers = node["peers"] is JsonArray a ? a.Select(p => CiliumBgpInstancePeer.FromJson(p!)).ToList() : new(),
    };
}

/// <summary>A peer of a BGP instance: address (no prefix length), ASN and the CiliumBGPPeerConfig it uses.</summary>
public sealed class CiliumBgpInstancePeer
{
    public required string Name { get; set; }
    public string? PeerAddress { get; set; }
    public long PeerAsn { get; set; }
    public string? PeerConfigRef { get; set; }

    internal JsonObject ToJson()
    {
        var o = new JsonObject { ["name"] = Name, ["peerASN"] = PeerAsn };
        if (PeerAddress is not null) o["peerAddress"] = PeerAddress;
        if (PeerConfigRef is not null) o["peerConfigRef"] = new JsonObject { ["name"] = PeerConfigRef };
        return o;
    }

    internal static CiliumBgpInstancePeer FromJson(JsonNode node) => new()
    {
        Name = node["name"]?.GetValue<string>() ?? "",
        PeerAddress = node["peerAddress"]?.GetValue<string>(),
        PeerAsn = JsonMap.Long(node["peerASN"]) ?? 0,
        PeerConfigRef = node["peerConfigRef"]?["name"]?.GetValue<string>(),
    };
}

/// <summary>BGP control plane v2 <c>CiliumBGPPeerConfig</c>: session options shared by the peers that reference it.</summary>
public sealed class CiliumBgpPeerConfig : ICiliumObject
{
    public const string KindName = "CiliumBGPPeerConfig";
    public required string Name { get; set; }
    public int? PeerPort { get; set; }
    public int? ConnectRetryTimeSeconds { get; set; }
    public int? HoldTimeSeconds { get; set; }
    public int? KeepAliveTimeSeconds { get; set; }
    public CiliumBgpGracefulRestart? GracefulRestart { get; set; }
    public int? EbgpMultihop { get; set; }
    public string? AuthSecretRef { get; set; }
    /// <summary>Families with the label selector of the CiliumBGPAdvertisements announced in each.</summary>
    public List<(CiliumBgpFamily Family, CiliumLabelSelector? Advertisements)> Families { get; set; } = new();
    public string ApiVersion { get; set; } = "cilium.io/v2";
    public string Kind => KindName;
    public string Plural => "ciliumbgppeerconfigs";

    public JsonObject ToJson()
    {
        var spec = new JsonObject();
        if (AuthSecretRef is not null) spec["authSecretRef"] = AuthSecretRef;
        if (EbgpMultihop is { } hop) spec["ebgpMultihop"] = hop;
        if (Families.Count > 0)
        {
            spec["families"] = new JsonArray(Families.Select(f =>
            {
                var o = new JsonObject();
                if (f.Advertisements is not null) o["advertisements"] = f.Advertisements.ToJson();
                o["afi"] = f.Family.Afi; o["safi"] = f.Family.Safi;
                return (JsonNode)o;
            }).ToArray());
        }
        if (GracefulRestart is not null) spec["gracefulRestart"] = GracefulRestart.ToJson();
        if (ConnectRetryTimeSeconds is not null || HoldTimeSeconds is not null || KeepAliveTimeSeconds is not null)
        {
            var timers = new JsonObject();
            if (ConnectRetryTimeSeconds is { } c) timers["connectRetryTimeSeconds"] = c;
            if (HoldTimeSeconds is { } h) timers["holdTimeSeconds"] = h;
            if (KeepAliveTimeSeconds is { } k) timers["keepAliveTimeSeconds"] = k;
            spec["timers"] = timers;
        }
        if (PeerPort is { } port) spec["transport"] = new JsonObject { ["peerPort"] = port };
        return CiliumObjects.Envelope(this, null, spec);
    }

    public static CiliumBgpPeerConfig FromJson(JsonNode node)
    {
        var spec = node["spec"];
        return new CiliumBgpPeerConfig
        {
            Name = node["metadata"]?["name"]?.GetValue<string>() ?? "",
            ApiVersion = node["apiVersion"]?.GetValue<string>() ?? "cilium.io/v2",
            AuthSecretRef = spec?["authSecretRef"]?.GetValue<string>(),
            EbgpMultihop = JsonMap.Int(spec?["ebgpMultihop"]),
            PeerPort = JsonMap.Int(spec?["transport"]?["peerPort"]),
            ConnectRetryTimeSeconds = JsonMap.Int(spec?["timers"]?["connectRetryTimeSeconds"]),
            HoldTimeSeconds = JsonMap.Int(spec?["timers"]?["holdTimeSeconds"]),
            KeepAliveTimeSeconds = JsonMap.Int(spec?["timers"]?["keepAliveTimeSeconds"]),
            GracefulRestart = spec?["gracefulRestart"] is JsonObject gr ? CiliumBgpGracefulRestart.FromJson(gr) : null,
            Families = spec?["families"] is JsonArray a
                ? a.Select(f => (CiliumBgpFamily.FromJson(f!), CiliumLabelSelector.FromJson(f!["advertisements"]))).ToList()
                : new(),
        };
    }

    public override string ToString() => Name;
}

/// <summary>BGP control plane v2 <c>CiliumBGPAdvertisement</c>: which prefixes are announced, with which attributes.</summary>
public sealed class CiliumBgpAdvertisement : ICiliumObject
{
    public const string KindName = "CiliumBGPAdvertisement";
    public required string Name { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public List<CiliumBgpAdvertisementEntry> Advertisements { get; set; } = new();
    public string ApiVersion { get; set; } = "cilium.io/v2";
    public string Kind => KindName;
    public string Plural => "ciliumbgpadvertisements";

    public JsonObject ToJson() => CiliumObjects.Envelope(this, Labels,
        new JsonObject { ["advertisements"] = new JsonArray(Advertisements.Select(a => (JsonNode)a.ToJson()).ToArray()) });

    public static CiliumBgpAdvertisement FromJson(JsonNode node) => new()
    {
        Name = node["metadata"]?["name"]?.GetValue<string>() ?? "",
        ApiVersion = node["apiVersion"]?.GetValue<string>() ?? "cilium.io/v2",
        Labels = JsonMap.ToStringMap(node["metadata"]?["labels"]),
        Advertisements = node["spec"]?["advertisements"] is JsonArray a ? a.Select(e => CiliumBgpAdvertisementEntry.FromJson(e!)).ToList() : new(),
    };

    public override string ToString() => Name;
}

/// <summary>One advertisement: PodCIDR, CiliumPodIPPool (selector) or Service (addresses + selector), with attributes.</summary>
public sealed class CiliumBgpAdvertisementEntry
{
    public required string AdvertisementType { get; set; }
    public CiliumLabelSelector? Selector { get; set; }
    /// <summary>Service only: LoadBalancerIP, ClusterIP, ExternalIP.</summary>
    public List<string>? ServiceAddresses { get; set; }
    public List<string>? StandardCommunities { get; set; }
    public List<string>? LargeCommunities { get; set; }
    public List<string>? WellKnownCommunities { get; set; }
    public long? LocalPreference { get; set; }

    internal JsonObject ToJson()
    {
        var o = new JsonObject { ["advertisementType"] = AdvertisementType };
        var communities = JsonMap.Communities(StandardCommunities, LargeCommunities, WellKnownCommunities);
        if (communities is not null || LocalPreference is not null)
        {
            var attributes = new JsonObject();
            if (communities is not null) attributes["communities"] = communities;
            if (LocalPreference is { } p) attributes["localPreference"] = p;
            o["attributes"] = attributes;
        }
        if (Selector is not null) o["selector"] = Selector.ToJson();
        if (ServiceAddresses is { } addresses) o["service"] = new JsonObject { ["addresses"] = JsonMap.StringArray(addresses) };
        return o;
    }

    internal static CiliumBgpAdvertisementEntry FromJson(JsonNode node) => new()
    {
        AdvertisementType = node["advertisementType"]?.GetValue<string>() ?? "",
        Selector = CiliumLabelSelector.FromJson(node["selector"]),
        ServiceAddresses = JsonMap.ToStringList(node["service"]?["addresses"]),
        StandardCommunities = JsonMap.ToStringList(node["attributes"]?["communities"]?["standard"]),
        LargeCommunities = JsonMap.ToStringList(node["attributes"]?["communities"]?["large"]),
        WellKnownCommunities = JsonMap.ToStringList(node["attributes"]?["communities"]?["wellKnown"]),
        LocalPreference = JsonMap.Long(node["attributes"]?["localPreference"]),
    };
}

/// <summary>Helpers shared by the Cilium object models.</summary>
public static class CiliumObjects
{
    internal static JsonObject Envelope(ICiliumObject o, Dictionary<string, string>? labels, JsonObject spec)
    {
        var metadata = new JsonObject { ["name"] = o.Name };
        if (labels is { Count: > 0 }) metadata["labels"] = JsonMap.StringMap(labels);
        return new JsonObject { ["apiVersion"] = o.ApiVersion, ["kind"] = o.Kind, ["metadata"] = metadata, ["spec"] = spec };
    }

    /// <summary>The CRD schema for an object (its kind at its API version).</summary>
    public static CiliumCrdSchema SchemaOf(ICiliumObject o) => CiliumCrdSchema.For(o.Kind, o.ApiVersion.Split('/')[1]);

    /// <summary>Reads any of the BGP kinds from JSON.</summary>
    public static ICiliumObject FromJson(JsonNode node, string? source = null) => node["kind"]?.GetValue<string>() switch
    {
        CiliumBgpPeeringPolicy.KindName => CiliumBgpPeeringPolicy.FromJson(node, source),
        CiliumBgpClusterConfig.KindName => CiliumBgpClusterConfig.FromJson(node),
        CiliumBgpPeerConfig.KindName => CiliumBgpPeerConfig.FromJson(node),
        CiliumBgpAdvertisement.KindName => CiliumBgpAdvertisement.FromJson(node),
        var kind => throw new BgpLabException($"{source ?? "object"}: kind {kind} is not a Cilium BGP kind this module handles.", "CiliumKindUnknown", FailureKind.InvalidData, source),
    };
}

/// <summary>Turns v1 peering policies into the equivalent BGP control plane v2 objects.</summary>
public static class CiliumBgpV2Converter
{
    /// <summary>The label each generated advertisement carries and each peer config family selects.</summary>
    public const string AdvertiseLabel = "bgplab.io/advertise";

    public sealed record Result(List<CiliumBgpClusterConfig> ClusterConfigs, List<CiliumBgpPeerConfig> PeerConfigs, List<CiliumBgpAdvertisement> Advertisements, List<string> Warnings)
    {
        public IEnumerable<ICiliumObject> All => ClusterConfigs.Cast<ICiliumObject>().Concat(PeerConfigs).Concat(Advertisements);
    }

    public static Result Convert(IEnumerable<CiliumBgpPeeringPolicy> policies)
    {
        var result = new Result(new(), new(), new(), new());
        foreach (var policy in policies)
        {
            var cluster = new CiliumBgpClusterConfig { Name = policy.Name, NodeSelector = policy.NodeSelector };
            for (var r = 0; r < policy.VirtualRouters.Count; r++)
            {
                var router = policy.VirtualRouters[r];
                var suffix = policy.VirtualRouters.Count > 1 ? $"-{r}" : "";
                var instance = new CiliumBgpInstance { Name = $"instance-{router.LocalAsn}{suffix}", LocalAsn = router.LocalAsn };
                var shared = Advertisement(policy, router, $"{policy.Name}{suffix}", null, result.Warnings);
                if (shared is not null) result.Advertisements.Add(shared);
                foreach (var neighbor in router.Neighbors)
                {
                    var peerName = $"{policy.Name}{suffix}-{neighbor.PeerIP.Replace(':', '-')}";
                    var advertisement = shared;
                    if (neighbor.AdvertisedPathAttributes is { Count: > 0 })
                    {
                        advertisement = Advertisement(policy, router, peerName, neighbor.AdvertisedPathAttributes, result.Warnings);
                        if (advertisement is not null) result.Advertisements.Add(advertisement);
                    }
                    var selector = advertisement is null ? null : new CiliumLabelSelector { MatchLabels = new() { [AdvertiseLabel] = advertisement.Name } };
                    var families = neighbor.Families is { Count: > 0 } f ? f : new List<CiliumBgpFamily> { new() { Afi = "ipv4", Safi = "unicast" }, new() { Afi = "ipv6", Safi = "unicast" } };
                    result.PeerConfigs.Add(new CiliumBgpPeerConfig
                    {
                        Name = peerName,
                        PeerPort = neighbor.PeerPort,
                        ConnectRetryTimeSeconds = neighbor.ConnectRetryTimeSeconds,
                        HoldTimeSeconds = neighbor.HoldTimeSeconds,
                        KeepAliveTimeSeconds = neighbor.KeepAliveTimeSeconds,
                        GracefulRestart = neighbor.GracefulRestart,
                        EbgpMultihop = neighbor.EbgpMultihopTtl,
                        AuthSecretRef = neighbor.AuthSecretRef,
                        Families = families.Select(x => (x, selector)).ToList(),
                    });
                    instance.Peers.Add(new CiliumBgpInstancePeer { Name = $"peer-{neighbor.PeerIP}", PeerAddress = neighbor.PeerIP, PeerAsn = neighbor.PeerAsn, PeerConfigRef = peerName });
                }
                cluster.BgpInstances.Add(instance);
            }
            result.ClusterConfigs.Add(cluster);
        }
        return result;
    }

    private static CiliumBgpAdvertisement? Advertisement(CiliumBgpPeeringPolicy policy, CiliumBgpVirtualRouter router, string name,
        List<CiliumBgpPathAttributes>? attributes, List<string> warnings)
    {
        var entries = new List<CiliumBgpAdvertisementEntry>();
        CiliumBgpPathAttributes? For(string type) => attributes?.FirstOrDefault(a => a.SelectorType == type);
        CiliumBgpAdvertisementEntry With(CiliumBgpAdvertisementEntry e, CiliumBgpPathAttributes? a)
        {
            if (a is null) return e;
            e.StandardCommunities = a.StandardCommunities; e.LargeCommunities = a.LargeCommunities;
            e.WellKnownCommunities = a.WellKnownCommunities; e.LocalPreference = a.LocalPreference;
            return e;
        }
        if (router.ExportPodCidr == true) entries.Add(With(new() { AdvertisementType = "PodCIDR" }, For("PodCIDR")));
        if (router.PodIPPoolSelector is not null) entries.Add(With(new() { AdvertisementType = "CiliumPodIPPool", Selector = router.PodIPPoolSelector }, For("CiliumPodIPPool")));
        if (router.ServiceSelector is not null)
            entries.Add(With(new() { AdvertisementType = "Service", Selector = router.ServiceSelector, ServiceAddresses = router.ServiceAdvertisements ?? new() { "LoadBalancerIP" } },
                For("CiliumLoadBalancerIPPool")));
        if (attributes?.Any(a => a.SelectorType == "CiliumLoadBalancerIPPool" && a.Selector is not null) == true)
            warnings.Add($"{policy.Name}: path attributes selected by CiliumLoadBalancerIPPool labels apply to all advertised services in v2 (v2 selects services, not pools).");
        return entries.Count == 0 ? null : new CiliumBgpAdvertisement { Name = name, Labels = new() { [AdvertiseLabel] = name }, Advertisements = entries };
    }
}
