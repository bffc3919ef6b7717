using System.Text.Json.Nodes;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Cilium;

/// <summary>A Kubernetes label selector (matchLabels and matchExpressions), as Cilium's CRDs use it.</summary>
public sealed class CiliumLabelSelector
{
    public Dictionary<string, string>? MatchLabels { get; set; }
    public List<CiliumLabelSelectorRequirement>? MatchExpressions { get; set; }

    /// <summary>Whether a node/object with these labels is selected (empty selector selects everything).</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        (MatchLabels ?? new()).All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value) &&
        (MatchExpressions ?? new()).All(e => e.Matches(labels));

    public override string ToString() => string.Join(",",
        (MatchLabels ?? new()).Select(p => $"{p.Key}={p.Value}").Concat((MatchExpressions ?? new()).Select(e => e.ToString())));

    internal JsonObject ToJson()
    {
        var o = new JsonObject();
        if (MatchExpressions is { } exprs) o["matchExpressions"] = new JsonArray(exprs.Select(e => (JsonNode)e.ToJson()).ToArray());
        if (MatchLabels is { } labels) o["matchLabels"] = JsonMap.StringMap(labels);
        return o;
    }

    internal static CiliumLabelSelector? FromJson(JsonNode? node) => node is not JsonObject o ? null : new CiliumLabelSelector
    {
        MatchLabels = JsonMap.ToStringMap(o["matchLabels"]),
        MatchExpressions = o["matchExpressions"] is JsonArray a ? a.Select(e => CiliumLabelSelectorRequirement.FromJson(e!)).ToList() : null,
    };
}

/// <summary>One matchExpressions entry: key, operator (In, NotIn, Exists, DoesNotExist) and values.</summary>
public sealed class CiliumLabelSelectorRequirement
{
    public required string Key { get; set; }
    public required string Operator { get; set; }
    public List<string>? Values { get; set; }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => Operator switch
    {
        "In" => labels.TryGetValue(Key, out var v) && (Values ?? new()).Contains(v),
        "NotIn" => !labels.TryGetValue(Key, out var v) || !(Values ?? new()).Contains(v),
        "Exists" => labels.ContainsKey(Key),
        "DoesNotExist" => !labels.ContainsKey(Key),
        _ => false,
    };

    public override string ToString() => $"{Key} {Operator} ({string.Join(",", Values ?? new())})";

    internal JsonObject ToJson()
    {
        var o = new JsonObject { ["key"] = Key, ["operator"] = Operator };
        if (Values is { } values) o["values"] = new JsonArray(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
        return o;
    }

    internal static CiliumLabelSelectorRequirement FromJson(JsonNode node) => new()
    {
        Key = node["key"]?.GetValue<string>() ?? "",
        Operator = node["operator"]?.GetValue<string>() ?? "",
        Values = node["values"] is JsonArray a ? a.Select(v => v!.GetValue<string>()).ToList() : null,
    };
}

/// <summary>
/// A <c>cilium.io/v2alpha1</c> <c>CiliumBGPPeeringPolicy</c> (BGP control plane v1): which nodes run which
/// virtual routers and whom they peer with. Every field of the CRD is typed; <see cref="ToJson"/>/<see cref="FromJson"/>
/// map it to and from the API object.
/// </summary>
public sealed class CiliumBgpPeeringPolicy : ICiliumObject
{
    public const string ApiVersion = "cilium.io/v2alpha1";
    public const string KindName = "CiliumBGPPeeringPolicy";
    public const string Plural = "ciliumbgppeeringpolicies";

    public required string Name { get; set; }

    /// <summary>Which nodes the policy applies to (null: all nodes).</summary>
    public CiliumLabelSelector? NodeSelector { get; set; }

    public List<CiliumBgpVirtualRouter> VirtualRouters { get; set; } = new();

    public Dictionary<string, string>? Labels { get; set; }
    public Dictionary<string, string>? Annotations { get; set; }

    /// <summary>Set when read from a cluster.</summary>
    public string? ResourceVersion { get; set; }
    public DateTimeOffset? CreationTimestamp { get; set; }

    /// <summary>The kubeconfig context it was read from (null when built or imported).</summary>
    public string? Context { get; set; }

    /// <summary>The kubeconfig it was read through, so piping it on reaches the same cluster.</summary>
    public string? KubeconfigPath { get; set; }

    /// <summary>The file and line it was imported from (null otherwise).</summary>
    public string? Source { get; set; }

    string ICiliumObject.ApiVersion => ApiVersion;
    string ICiliumObject.Kind => KindName;
    string ICiliumObject.Plural => Plural;

    public static CiliumCrdSchema Schema => CiliumCrdSchema.For(KindName, "v2alpha1");

    /// <summary>The API object as sent with server-side apply (no server-owned metadata).</summary>
    public JsonObject ToJson()
    {
        var metadata = new JsonObject { ["name"] = Name };
        if (Labels is { Count: > 0 }) metadata["labels"] = JsonMap.StringMap(Labels);
        if (Annotations is { Count: > 0 }) metadata["annotations"] = JsonMap.StringMap(Annotations);
        var spec = new JsonObject();
        if (NodeSelector is not null) spec["nodeSelector"] = NodeSelector.ToJson();
        spec["virtualRouters"] = new JsonArray(VirtualRouters.Select(r => (JsonNode)r.ToJson()).ToArray());
        return new JsonObject { ["apiVersion"] = ApiVersion, ["kind"] = KindName, ["metadata"] = metadata, ["spec"] = spec };
    }

    public static CiliumBgpPeeringPolicy FromJson(JsonNode node, string? source = null)
    {
        if (node["kind"]?.GetValue<string>() is { } kind && kind != KindName)
            throw new BgpLabException($"{source ?? "object"}: kind {kind} is not a {KindName}.", "CiliumWrongKind", FailureKind.InvalidData, source);
        var metadata = node["metadata"];
        var spec = node["spec"];
        return new CiliumBgpPeeringPolicy
        {
            Name = metadata?["name"]?.GetValue<string>() ?? "",
            Labels = JsonMap.ToStringMap(metadata?["labels"]),
            Annotations = JsonMap.ToStringMap(metadata?["annotations"]),
            ResourceVersion = metadata?["resourceVersion"]?.GetValue<string>(),
            CreationTimestamp = metadata?["creationTimestamp"]?.GetValue<string>() is { } ts ? DateTimeOffset.Parse(ts, System.Globalization.CultureInfo.InvariantCulture) : null,
            NodeSelector = CiliumLabelSelector.FromJson(spec?["nodeSelector"]),
            VirtualRouters = spec?["virtualRouters"] is JsonArray a ? a.Select(r => CiliumBgpVirtualRouter.FromJson(r!)).ToList() : new(),
            Source = source,
        };
    }

    /// <summary>Schema problems plus what Cilium itself would refuse; empty when valid.</summary>
    public IReadOnlyList<CiliumFieldError> Validate() => Schema.Validate(ToJson());

    /// <summary>Whether two policies mean the same once the CRD's defaults are applied (server-set metadata ignored).</summary>
    public bool IsEquivalentTo(CiliumBgpPeeringPolicy other) =>
        CiliumYaml.DeepEquals(Schema.WithDefaults(ToJson()), Schema.WithDefaults(other.ToJson()));

    public override string ToString() => Name;
}

/// <summary>One virtual router of a peering policy: its ASN, what it exports and its neighbors.</summary>
public sealed class CiliumBgpVirtualRouter
{
    /// <summary>localASN (1..4294967295).</summary>
    public long LocalAsn { get; set; }

    /// <summary>exportPodCIDR: advertise the node's Pod CIDR.</summary>
    public bool? ExportPodCidr { get; set; }

    /// <summary>podIPPoolSelector: CiliumPodIPPools whose CIDRs are announced.</summary>
    public CiliumLabelSelector? PodIPPoolSelector { get; set; }

    /// <summary>serviceSelector: LoadBalancer services announced.</summary>
    public CiliumLabelSelector? ServiceSelector { get; set; }

    /// <summary>serviceAdvertisements: LoadBalancerIP, ClusterIP, ExternalIP.</summary>
    public List<string>? ServiceAdvertisements { get; set; }

    public List<CiliumBgpNeighbor> Neighbors { get; set; } = new();

    internal JsonObject ToJson()
    {
        var o = new JsonObject();
        if (ExportPodCidr is { } export) o["exportPodCIDR"] = export;
        o["localASN"] = LocalAsn;
        o["neighbors"] = new JsonArray(Neighbors.Select(n => (JsonNode)n.ToJson()).ToArray());
        if (PodIPPoolSelector is not null) o["podIPPoolSelector"] = PodIPPoolSelector.ToJson();
        if (ServiceAdvertisements is { } ads) o["serviceAdvertisements"] = JsonMap.StringArray(ads);
        if (ServiceSelector is not null) o["serviceSelector"] = ServiceSelector.ToJson();
        return o;
    }

    internal static CiliumBgpVirtualRouter FromJson(JsonNode node) => new()
    {
        LocalAsn = JsonMap.Long(node["localASN"]) ?? 0,
        ExportPodCidr = node["exportPodCIDR"]?.GetValue<bool>(),
        PodIPPoolSelector = CiliumLabelSelector.FromJson(node["podIPPoolSelector"]),
        ServiceSelector = CiliumLabelSelector.FromJson(node["serviceSelector"]),
        ServiceAdvertisements = JsonMap.ToStringList(node["serviceAdvertisements"]),
        Neighbors = node["neighbors"] is JsonArray a ? a.Select(n => CiliumBgpNeighbor.FromJson(n!)).ToList() : new(),
    };

    public override string ToString() => $"AS{LocalAsn} ({Neighbors.Count} neighbors)";
}

/// <summary>A neighbor of a virtual router: peer address (CIDR, /32 for one host), ASN, timers and options.</summary>
public sealed class CiliumBgpNeighbor
{
    /// <summary>peerAddress, in CIDR notation (10.0.0.1/32).</summary>
    public required string PeerAddress { get; set; }

    /// <summary>peerASN (1..4294967295).</summary>
    public long PeerAsn { get; set; }

    /// <summary>peerPort (default 179).</summary>
    public int? PeerPort { get; set; }

    /// <summary>authSecretRef: name of the Secret holding the TCP MD5 password.</summary>
    public string? AuthSecretRef { get; set; }

    /// <summary>eBGPMultihopTTL (1 = no multihop).</summary>
    public int? EbgpMultihopTtl { get; set; }

    public int? ConnectRetryTimeSeconds { get; set; }
    public int? HoldTimeSeconds { get; set; }
    public int? KeepAliveTimeSeconds { get; set; }

    public CiliumBgpGracefulRestart? GracefulRestart { get; set; }

    /// <summary>families: AFI/SAFI pairs to negotiate (default IPv4 and IPv6 unicast).</summary>
    public List<CiliumBgpFamily>? Families { get; set; }

    /// <summary>advertisedPathAttributes: communities / local preference for selected routes.</summary>
    public List<CiliumBgpPathAttributes>? AdvertisedPathAttributes { get; set; }

    /// <summary>The peer's address without the prefix length.</summary>
    public string PeerIP => PeerAddress.Split('/')[0];

    internal JsonObject ToJson()
    {
        var o = new JsonObject();
        if (AdvertisedPathAttributes is { } attrs) o["advertisedPathAttributes"] = new JsonArray(attrs.Select(a => (JsonNode)a.ToJson()).ToArray());
        if (AuthSecretRef is not null) o["authSecretRef"] = AuthSecretRef;
        if (ConnectRetryTimeSeconds is { } retry) o["connectRetryTimeSeconds"] = retry;
        if (EbgpMultihopTtl is { } ttl) o["eBGPMultihopTTL"] = ttl;
        if (Families is { } families) o["families"] = new JsonArray(families.Select(f => (JsonNode)f.ToJson()).ToArray());
        if (GracefulRestart is not null) o["gracefulRestart"] = GracefulRestart.ToJson();
        if (HoldTimeSeconds is { } hold) o["holdTimeSeconds"] = hold;
        if (KeepAliveTimeSeconds is { } keepalive) o["keepAliveTimeSeconds"] = keepalive;
        o["peerASN"] = PeerAsn;
        o["peerAddress"] = PeerAddress;
        if (PeerPort is { } port) o["peerPort"] = port;
        return o;
    }

    internal static CiliumBgpNeighbor FromJson(JsonNode node) => new()
    {
        PeerAddress = node["peerAddress"]?.GetValue<string>() ?? "",
        PeerAsn = JsonMap.Long(node["peerASN"]) ?? 0,
        PeerPort = JsonMap.Int(node["peerPort"]),
        AuthSecretRef = node["authSecretRef"]?.GetValue<string>(),
        EbgpMultihopTtl = JsonMap.Int(node["eBGPMultihopTTL"]),
        ConnectRetryTimeSeconds = JsonMap.Int(node["connectRetryTimeSeconds"]),
        HoldTimeSeconds = JsonMap.Int(node["holdTimeSeconds"]),
        KeepAliveTimeSeconds = JsonMap.Int(node["keepAliveTimeSeconds"]),
        GracefulRestart = node["gracefulRestart"] is JsonObject gr ? CiliumBgpGracefulRestart.FromJson(gr) : null,
        Families = node["families"] is JsonArray f ? f.Select(x => CiliumBgpFamily.FromJson(x!)).ToList() : null,
        AdvertisedPathAttributes = node["advertisedPathAttributes"] is JsonArray p ? p.Select(x => CiliumBgpPathAttributes.FromJson(x!)).ToList() : null,
    };

    public override string ToString() => $"{PeerAddress} AS{PeerAsn}";
}

/// <summary>gracefulRestart of a neighbor.</summary>
public sealed class CiliumBgpGracefulRestart
{
    public bool Enabled { get; set; }
    public int? RestartTimeSeconds { get; set; }

    internal JsonObject ToJson()
    {
        var o = new JsonObject { ["enabled"] = Enabled };
        if (RestartTimeSeconds is { } t) o["restartTimeSeconds"] = t;
        return o;
    }

    internal static CiliumBgpGracefulRestart FromJson(JsonNode node) =>
        new() { Enabled = node["enabled"]?.GetValue<bool>() ?? false, RestartTimeSeconds = JsonMap.Int(node["restartTimeSeconds"]) };
}

/// <summary>An AFI/SAFI pair (ipv4/unicast, ipv6/unicast, ...).</summary>
public sealed class CiliumBgpFamily
{
    public required string Afi { get; set; }
    public required string Safi { get; set; }

    internal JsonObject ToJson() => new() { ["afi"] = Afi, ["safi"] = Safi };

    internal static CiliumBgpFamily FromJson(JsonNode node) =>
        new() { Afi = node["afi"]?.GetValue<string>() ?? "", Safi = node["safi"]?.GetValue<string>() ?? "" };

    public override string ToString() => $"{Afi}/{Safi}";
}

/// <summary>advertisedPathAttributes entry: which routes (selectorType + selector) get which communities / local preference.</summary>
public sealed class CiliumBgpPathAttributes
{
    /// <summary>PodCIDR, CiliumLoadBalancerIPPool or CiliumPodIPPool.</summary>
    public required string SelectorType { get; set; }
    public CiliumLabelSelector? Selector { get; set; }
    public List<string>? StandardCommunities { get; set; }
    public List<string>? LargeCommunities { get; set; }
    public List<string>? WellKnownCommunities { get; set; }
    public long? LocalPreference { get; set; }

    internal JsonObject ToJson()
    {
        var o = new JsonObject();
        if (JsonMap.Communities(StandardCommunities, LargeCommunities, WellKnownCommunities) is { } communities) o["communities"] = communities;
        if (LocalPreference is { } pref) o["localPreference"] = pref;
        if (Selector is not null) o["selector"] = Selector.ToJson();
        o["selectorType"] = SelectorType;
        return o;
    }

    internal static CiliumBgpPathAttributes FromJson(JsonNode node) => new()
    {
        SelectorType = node["selectorType"]?.GetValue<string>() ?? "",
        Selector = CiliumLabelSelector.FromJson(node["selector"]),
        StandardCommunities = JsonMap.ToStringList(node["communities"]?["standard"]),
        LargeCommunities = JsonMap.ToStringList(node["communities"]?["large"]),
        WellKnownCommunities = JsonMap.ToStringList(node["communities"]?["wellKnown"]),
        LocalPreference = JsonMap.Long(node["localPreference"]),
    };
}

/// <summary>Small JSON helpers for the model mappings.</summary>
internal static class JsonMap
{
    public static JsonObject StringMap(IEnumerable<KeyValuePair<string, string>> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map) o[k] = v;
        return o;
    }

    /// <summary>The communities object both BGP APIs use (large, standard, wellKnown); null when none is set.</summary>
    public static JsonObject? Communities(List<string>? standard, List<string>? large, List<string>? wellKnown)
    {
        if (standard is null && large is null && wellKnown is null) return null;
        var c = new JsonObject();
        if (large is not null) c["large"] = StringArray(large);
        if (standard is not null) c["standard"] = StringArray(standard);
        if (wellKnown is not null) c["wellKnown"] = StringArray(wellKnown);
        return c;
    }

    public static JsonArray StringArray(IEnumerable<string> items) => new(items.Select(i => (JsonNode)JsonValue.Create(i)!).ToArray());

    public static Dictionary<string, string>? ToStringMap(JsonNode? node) =>
        node is JsonObject o ? o.ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : p.Value?.ToJsonString() ?? "") : null;

    public static List<string>? ToStringList(JsonNode? node) =>
        node is JsonArray a ? a.Select(v => v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? "").ToList() : null;

    // Wrong types are kept as out-of-range numbers' nulls here; the schema validation reports them with their path.
    public static long? Long(JsonNode? node) => CiliumYaml.ToPlain(node) switch
    {
        long l => l,
        double d => (long)Math.Clamp(d, long.MinValue, long.MaxValue),
        _ => null,
    };

    public static int? Int(JsonNode? node) => Long(node) is { } l ? (int)Math.Clamp(l, int.MinValue, int.MaxValue) : null;
}
