using System.Text.Json;
using System.Text.Json.Nodes;

namespace BgpLab.Engine.Clab;

/// <summary>
/// The lab directory's <c>topology-data.json</c>, in the shape of containerlab's default export template
/// (name, type "clab", clab.config.prefix/mgmt, nodes keyed by short name, links with a/z endpoints), so
/// tools reading containerlab's file read ours and BgpLab reads containerlab's.
/// </summary>
public static class ClabTopologyData
{
    public const string FileName = "topology-data.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The runtime facts of one node the file records besides what the topology says.</summary>
    public sealed record NodeFacts(string ContainerName, string? MgmtIPv4, string? MgmtIPv6, string? MacAddress);

    public static string Render(ClabTopology topology, string mgmtBridge, IReadOnlyDictionary<string, NodeFacts> facts,
        IReadOnlyList<ClabLink> links, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> labels)
    {
        var mgmt = topology.Mgmt;
        var mgmtJson = new JsonObject
        {
            ["network"] = mgmt.EffectiveNetwork,
            ["bridge"] = mgmt.Bridge ?? mgmtBridge,
            ["ipv4-subnet"] = mgmt.EffectiveIPv4Subnet,
            ["ipv6-subnet"] = mgmt.EffectiveIPv6Subnet,
            ["mtu"] = mgmt.Mtu,
            ["external-access"] = mgmt.ExternalAccess ?? true,
        };
        var nodes = new JsonObject();
        var index = 0;
        foreach (var node in topology.Nodes)
        {
            facts.TryGetValue(node.Name, out var f);
            var (v4, v4Len) = SplitCidr(f?.MgmtIPv4);
            var (v6, v6Len) = SplitCidr(f?.MgmtIPv6);
            var nodeLabels = new JsonObject();
            if (labels.TryGetValue(node.Name, out var l))
                foreach (var (k, v) in l.OrderBy(kv => kv.Key, StringComparer.Ordinal)) nodeLabels[k] = v;
            nodes[node.Name] = new JsonObject
            {
                ["index"] = (index++).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["shortname"] = node.Name,
                ["longname"] = f?.ContainerName ?? topology.ContainerNameOf(node.Name),
                ["fqdn"] = $"{node.Name}.{topology.Name}.io",
                ["group"] = node.Effective.Group ?? "",
                ["labdir"] = Path.Combine(topology.LabDirectory, node.Name),
                ["kind"] = node.Kind,
                ["image"] = node.Image ?? "",
                ["mgmt-net"] = "",
                ["mgmt-intf"] = "",
                ["mgmt-ipv4-address"] = v4,
                ["mgmt-ipv4-prefix-length"] = v4Len ?? 0,
                ["mgmt-ipv6-address"] = v6,
                ["mgmt-ipv6-prefix-length"] = v6Len ?? 0,
                ["mac-address"] = f?.MacAddress ?? "",
                ["network-mode"] = node.NetworkMode ?? "",
                ["labels"] = nodeLabels,
                ["port-bindings"] = new JsonArray(),
            };
        }
        var linkArray = new JsonArray();
        foreach (var link in links)
        {
            linkArray.Add(new JsonObject
            {
                ["endpoints"] = new JsonObject
                {
                    ["a"] = Endpoint(topology, link.ANode, link.AInterface, link.AMac, "z"),
                    ["z"] = Endpoint(topology, link.ZNode, link.ZInterface, link.ZMac, "a"),
                },
                ["mtu"] = link.Mtu,
            });
        }
        var root = new JsonObject
        {
            ["name"] = topology.Name,
            ["type"] = "clab",
            ["clab"] = new JsonObject { ["config"] = new JsonObject { ["prefix"] = topology.Prefix ?? ClabTopology.DefaultPrefix, ["mgmt"] = mgmtJson } },
            ["ssh-pub-keys"] = new JsonArray(),
            ["nodes"] = nodes,
            ["links"] = linkArray,
        };
        return root.ToJsonString(Indented);
    }

    /// <summary>One link end as containerlab exports it: node, interface, MAC, the addresses the file gave it, and its peer.</summary>
    private static JsonObject Endpoint(ClabTopology topology, string node, string iface, string? mac, string peer)
    {
        var end = new JsonObject { ["node"] = node, ["interface"] = iface, ["mac"] = mac ?? "" };
        foreach (var link in topology.Links)
        {
            var i = link.Endpoints.FindIndex(e => e.Node == node && e.Interface == iface);
            if (i < 0) continue;
            var ipv4 = link.Endpoints[i].IPv4 ?? (link.IPv4 is { } v4 && i < v4.Count && v4[i].Length > 0 ? v4[i] : null);
            var ipv6 = link.Endpoints[i].IPv6 ?? (link.IPv6 is { } v6 && i < v6.Count && v6[i].Length > 0 ? v6[i] : null);
            if (ipv4 is not null) end["ipv4"] = ipv4;
            if (ipv6 is not null) end["ipv6"] = ipv6;
            break;
        }
        end["peer"] = peer;
        return end;
    }

    /// <summary>What BgpLab needs back from a topology-data.json (ours or containerlab's).</summary>
    public sealed record LabData(string Name, IReadOnlyDictionary<string, LabDataNode> Nodes, IReadOnlyList<ClabLink> Links, string? MgmtNetwork);

    public sealed record LabDataNode(string Name, string ContainerName, string Kind, string? Image, string? NetworkMode);

    /// <summary>Reads the file in a lab directory; null when absent or unreadable (e.g. a placeholder).</summary>
    public static LabData? TryRead(string labDirectory)
    {
        var path = Path.Combine(labDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path))?.AsObject();
            if (root is null) return null;
            var name = (string?)root["name"] ?? Path.GetFileName(labDirectory).Replace("clab-", "");
            var nodes = new Dictionary<string, LabDataNode>(StringComparer.Ordinal);
            if (root["nodes"] is JsonObject nodeObjects)
            {
                foreach (var (key, value) in nodeObjects)
                {
                    if (value is not JsonObject n) continue;
                    nodes[key] = new LabDataNode(key, (string?)n["longname"] ?? key, (string?)n["kind"] ?? "", (string?)n["image"], (string?)n["network-mode"]);
                }
            }
            var links = new List<ClabLink>();
            if (root["links"] is JsonArray linkArray)
            {
                foreach (var item in linkArray)
                {
                    var a = item?["endpoints"]?["a"];
                    var z = item?["endpoints"]?["z"];
                    if (a is null || z is null) continue;
                    links.Add(new ClabLink
                    {
                        Lab = name,
                        ANode = (string?)a["node"] ?? "", AInterface = (string?)a["interface"] ?? "", AMac = (string?)a["mac"],
                        ZNode = (string?)z["node"] ?? "", ZInterface = (string?)z["interface"] ?? "", ZMac = (string?)z["mac"],
                        Mtu = item?["mtu"] is JsonValue m && m.TryGetValue<int>(out var mtu) ? mtu : 0,
                    });
                }
            }
            var mgmtNetwork = (string?)root["clab"]?["config"]?["mgmt"]?["network"];
            return new LabData(name, nodes, links, mgmtNetwork);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or IOException or FormatException)
        {
            return null;
        }
    }

    private static (string Address, int? Length) SplitCidr(string? cidr)
    {
        if (string.IsNullOrEmpty(cidr)) return ("", null);
        var slash = cidr.IndexOf('/');
        return slash < 0 ? (cidr, null) : (cidr[..slash], int.Parse(cidr[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
