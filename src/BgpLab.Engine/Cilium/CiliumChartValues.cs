using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Cilium;

/// <summary>How pods reach each other across nodes: routed natively by the fabric, or tunnelled between nodes.</summary>
public enum CiliumRoutingMode
{
    Native,
    Tunnel,
}

/// <summary>What the user wants from a Cilium install, independent of how a chart version spells it.</summary>
public sealed class CiliumInstallIntent
{
    /// <summary>Chart version (1.12.1, v1.16.3, ...); null for the newest chart known.</summary>
    public string? Version { get; set; }
    public bool EnableBgpControlPlane { get; set; }
    /// <summary>ipv4NativeRoutingCIDR: traffic to it is not masqueraded; implies native routing unless a mode is given.</summary>
    public string? NativeRoutingCidr { get; set; }
    public CiliumRoutingMode? RoutingMode { get; set; }
    /// <summary>vxlan or geneve (tunnel mode only).</summary>
    public string? TunnelProtocol { get; set; }
    /// <summary>ipam.mode: kubernetes, cluster-pool, multi-pool, ...; defaults to kubernetes with the BGP control plane (Pod CIDRs from the nodes).</summary>
    public string? IpamMode { get; set; }
    /// <summary>kubeProxyReplacement: true/false (1.14+), strict/partial/probe/disabled (1.12–1.13); translated between the two.</summary>
    public string? KubeProxyReplacement { get; set; }
    /// <summary>A values file merged over the typed settings.</summary>
    public string? ValuesPath { get; set; }
    /// <summary>Values merged last (nested maps; dotted keys such as "ipam.mode" are expanded).</summary>
    public JsonObject? Values { get; set; }
}

/// <summary>The keys one chart minor version has (from the embedded catalogue made by Charts/make-catalogue.py).</summary>
public sealed class CiliumChartCatalogue
{
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);

    private CiliumChartCatalogue(Version minor, string source, IEnumerable<string> lines)
    {
        Minor = minor;
        Source = source;
        foreach (var line in lines)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            if (line.EndsWith(".*", StringComparison.Ordinal)) { _keys.Add(line[..^2]); _open.Add(line[..^2]); }
            else _keys.Add(line);
        }
    }

    /// <summary>Major.minor of the chart line.</summary>
    public Version Minor { get; }

    /// <summary>Which chart release the catalogue was made from.</summary>
    public string Source { get; }

    public IReadOnlyCollection<string> Keys => _keys;

    public static IReadOnlyList<Version> KnownMinors { get; } = typeof(CiliumChartCatalogue).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
        .Select(n => Version.Parse(n[Prefix.Length..^4])).OrderBy(v => v).ToList();

    /// <summary>The newest chart version the catalogues know (x.y.z of the newest minor's source release).</summary>
    public static string NewestVersion => For(KnownMinors[^1]).Source.Split(' ')[2].TrimEnd(':');

    private const string Prefix = "BgpLab.Engine.Cilium.Charts.chart-keys-";

    public static CiliumChartCatalogue For(Version minor)
    {
        using var stream = typeof(CiliumChartCatalogue).Assembly.GetManifestResourceStream($"{Prefix}{minor.Major}.{minor.Minor}.txt")
            ?? throw new BgpLabException($"No chart key catalogue for Cilium {minor.Major}.{minor.Minor}; known: {string.Join(", ", KnownMinors)}.",
                "CiliumChartVersionUnknown", FailureKind.InvalidArgument, minor);
        var lines = new StreamReader(stream).ReadToEnd().Split('\n', StringSplitOptions.TrimEntries);
        return new CiliumChartCatalogue(minor, lines[0].TrimStart('#', ' '), lines);
    }

    /// <summary>Whether the chart reads this dotted key (or it lies under a free-form key).</summary>
    public bool Has(string key)
    {
        if (_keys.Contains(key)) return true;
        var parts = key.Split('.');
        for (var i = parts.Length - 1; i > 0; i--)
        {
            if (_open.Contains(string.Join('.', parts[..i]))) return true;
        }
        return false;
    }

    /// <summary>The catalogued keys closest to an unknown one (same last segment, or a small edit distance).</summary>
    public IEnumerable<string> Suggest(string key)
    {
        var last = key.Split('.')[^1];
        return _keys.Select(k => (Key: k, Score: k.Split('.')[^1].Equals(last, StringComparison.OrdinalIgnoreCase) ? 0 : Distance(k, key)))
            .Where(t => t.Score <= Math.Max(2, key.Length / 4)).OrderBy(t => t.Score).ThenBy(t => t.Key).Take(3).Select(t => t.Key);
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var previous = row[0]; row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }
}

/// <summary>Turns an install intent into the Helm values the chosen chart version understands.</summary>
public static class CiliumChartValues
{
    /// <summary>Parses 1.12.1 / v1.12.1 / 1.16.0-rc.1 into the version and its catalogue.</summary>
    public static (string Version, CiliumChartCatalogue Catalogue) Resolve(string? version, IOperationObserver? observer = null)
    {
        version = string.IsNullOrWhiteSpace(version) ? CiliumChartCatalogue.NewestVersion : version.Trim().TrimStart('v');
        var core = version.Split('-', '+')[0];
        if (!System.Version.TryParse(core, out var parsed) || parsed.Build < 0)
            throw new BgpLabException($"'{version}' is not a Cilium chart version (expected major.minor.patch, e.g. 1.16.3).",
                "CiliumChartVersionInvalid", FailureKind.InvalidArgument, version);
        var minor = new Version(parsed.Major, parsed.Minor);
        var known = CiliumChartCatalogue.KnownMinors;
        if (minor < known[0])
            throw new BgpLabException($"Cilium {version} is older than the oldest chart this module knows ({known[0]}); its values are not catalogued.",
                "CiliumChartVersionTooOld", FailureKind.InvalidArgument, version) { RecommendedAction = $"Use Cilium {known[0]} or newer." };
        if (minor > known[^1])
        {
            observer?.Warning($"Cilium {version} is newer than the newest chart catalogued ({known[^1]}); its keys are checked against {known[^1]}.");
            minor = known[^1];
        }
        return (version, CiliumChartCatalogue.For(minor));
    }

    /// <summary>The values file content for the intent, checked against the chart's keys.</summary>
    public static JsonObject Build(CiliumInstallIntent intent, IOperationObserver? observer = null)
    {
        var (_, catalogue) = Resolve(intent.Version, observer);
        var minor = catalogue.Minor;
        var values = new JsonObject();
        var routing = intent.RoutingMode ?? (intent.NativeRoutingCidr is not null ? CiliumRoutingMode.Native : null);
        bool legacyTunnelKey = minor < new Version(1, 15);
        if (routing == CiliumRoutingMode.Native)
        {
            if (legacyTunnelKey) values["tunnel"] = "disabled";
            else values["routingMode"] = "native";
        }
        else if (routing == CiliumRoutingMode.Tunnel)
        {
            var protocol = intent.TunnelProtocol ?? "vxlan";
            if (legacyTunnelKey) values["tunnel"] = protocol;
            else { values["routingMode"] = "tunnel"; values["tunnelProtocol"] = protocol; }
        }
        if (intent.TunnelProtocol is not null && routing != CiliumRoutingMode.Tunnel)
            throw new BgpLabException("-TunnelProtocol applies only with -RoutingMode Tunnel.", "CiliumTunnelProtocolWithoutTunnel", FailureKind.InvalidArgument);
        var ipam = intent.IpamMode ?? (intent.EnableBgpControlPlane ? "kubernetes" : null);
        if (ipam is not null) values["ipam"] = new JsonObject { ["mode"] = ipam };
        if (intent.NativeRoutingCidr is not null)
        {
            if (!CiliumCrdSchema.IsCidr(intent.NativeRoutingCidr) || intent.NativeRoutingCidr.Contains(':'))
                throw new BgpLabException($"-NativeRoutingCidr '{intent.NativeRoutingCidr}' is not an IPv4 CIDR (e.g. 10.0.0.0/8).",
                    "CiliumNativeRoutingCidrInvalid", FailureKind.InvalidArgument, intent.NativeRoutingCidr);
            values["ipv4NativeRoutingCIDR"] = intent.NativeRoutingCidr;
        }
        if (intent.EnableBgpControlPlane) values["bgpControlPlane"] = new JsonObject { ["enabled"] = true };
        // Kubernetes IPAM: the agent must wait for the node's Pod CIDR, which the BGP control plane exports.
        if (ipam == "kubernetes") values["k8s"] = new JsonObject { ["requireIPv4PodCIDR"] = true };
        if (intent.KubeProxyReplacement is { } kpr) values["kubeProxyReplacement"] = KubeProxyReplacementFor(kpr, minor);

        if (intent.ValuesPath is not null)
        {
            if (!File.Exists(intent.ValuesPath))
                throw new BgpLabException($"Values file {intent.ValuesPath} does not exist.", "CiliumValuesFileNotFound", FailureKind.ObjectNotFound, intent.ValuesPath);
            var docs = CiliumYaml.ParseDocuments(File.ReadAllText(intent.ValuesPath), intent.ValuesPath);
            if (docs.Count > 0)
            {
                if (docs[0].Node is not JsonObject fileValues)
                    throw new BgpLabException($"{intent.ValuesPath}: a values file must be a map of keys.", "CiliumValuesFileInvalid", FailureKind.InvalidData, intent.ValuesPath);
                Merge(values, fileValues);
            }
        }
        if (intent.Values is not null) Merge(values, ExpandDottedKeys(intent.Values));

        var unknown = LeafKeys(values).Where(k => !catalogue.Has(k)).ToList();
        if (unknown.Count > 0)
        {
            var details = unknown.Select(k => catalogue.Suggest(k).ToList() is { Count: > 0 } s ? $"{k} (did you mean {string.Join(" or ", s)}?)" : k);
            throw new BgpLabException($"The Cilium {catalogue.Minor} chart has no value {string.Join(", ", details)}.",
                "CiliumValueUnknown", FailureKind.InvalidArgument, unknown[0])
            { RecommendedAction = $"Use the keys of the chart version you install (checked against {catalogue.Source})." };
        }
        return values;
    }

    private static string KubeProxyReplacementFor(string value, Version minor)
    {
        var v = value.Trim().ToLowerInvariant();
        if (minor >= new Version(1, 14))
        {
            return v switch
            {
                "true" or "strict" => "true",
                "false" or "disabled" => "false",
                _ => throw new BgpLabException($"-KubeProxyReplacement '{value}' is not valid for Cilium {minor} (true or false).",
                    "CiliumKubeProxyReplacementInvalid", FailureKind.InvalidArgument, value),
            };
        }
        return v switch
        {
            "true" => "strict",
            "false" => "disabled",
            "strict" or "partial" or "probe" or "disabled" => v,
            _ => throw new BgpLabException($"-KubeProxyReplacement '{value}' is not valid for Cilium {minor} (strict, partial, probe, disabled).",
                "CiliumKubeProxyReplacementInvalid", FailureKind.InvalidArgument, value),
        };
    }

    /// <summary>Deep merge: maps merge key by key, anything else is replaced (Helm's own rule for -f files).</summary>
    public static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            if (value is JsonObject sourceChild && target[key] is JsonObject targetChild) Merge(targetChild, sourceChild);
            else target[key] = value?.DeepClone();
        }
    }

    private static JsonObject ExpandDottedKeys(JsonObject values)
    {
        var result = new JsonObject();
        foreach (var (key, value) in values)
        {
            var parts = key.Split('.');
            var node = result;
            foreach (var part in parts[..^1])
            {
                if (node[part] is not JsonObject next) { next = new JsonObject(); node[part] = next; }
                node = next;
            }
            var leaf = value is JsonObject o ? ExpandDottedKeys(o) : value?.DeepClone();
            if (leaf is JsonObject lo && node[parts[^1]] is JsonObject existing) Merge(existing, lo);
            else node[parts[^1]] = leaf;
        }
        return result;
    }

    private static IEnumerable<string> LeafKeys(JsonObject o, string prefix = "")
    {
        foreach (var (key, value) in o)
        {
            var path = prefix + key;
            if (value is JsonObject child && child.Count > 0)
            {
                foreach (var k in LeafKeys(child, path + ".")) yield return k;
            }
            else yield return path;
        }
    }
}
