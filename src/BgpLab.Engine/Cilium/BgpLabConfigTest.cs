using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BgpLab.Engine.Clab;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Cilium;

/// <summary>A Kubernetes node as the peering policies see it: name, node IP and labels.</summary>
public sealed record CiliumNodeIntent(string Name, string? Address, IReadOnlyDictionary<string, string> Labels, string? Source = null);

/// <summary>One mismatch between a peering policy and the fabric, naming both sides.</summary>
public sealed class BgpLabConfigFinding
{
    public required string Code { get; init; }
    public string Severity { get; init; } = "Error";
    /// <summary>The Cilium side: policy name (and its file:line when imported).</summary>
    public required string Policy { get; init; }
    public long? LocalAsn { get; init; }
    public string? PeerAddress { get; init; }
    public string? Node { get; init; }
    public string? NodeAddress { get; init; }
    /// <summary>The fabric side: the FRR router (topology node) concerned, if any.</summary>
    public string? Router { get; init; }
    /// <summary>What the router is configured with, as in its vtysh lines.</summary>
    public string? RouterSetting { get; init; }
    public required string Message { get; init; }

    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>An FRR router's BGP intent as its topology exec lines configure it.</summary>
public sealed class FrrRouterIntent
{
    public required string Router { get; init; }
    public long? Asn { get; set; }
    public string? RouterId { get; set; }
    /// <summary>Addresses by interface (from <c>ip addr add A/L dev IF</c>).</summary>
    public List<(string Interface, string Address)> Addresses { get; } = new();
    /// <summary>neighbor → remote-as as written (number, internal, external) after peer-group inheritance.</summary>
    public Dictionary<string, string?> Neighbors { get; } = new(StringComparer.OrdinalIgnoreCase);
    public string? Source { get; set; }

    public IEnumerable<string> LoopbackAddresses => Addresses.Where(a => a.Interface == "lo").Select(a => a.Address.Split('/')[0]);

    /// <summary>The neighbor's remote ASN: internal → own ASN; external → null (any other ASN).</summary>
    public long? RemoteAsnOf(string neighbor, out string written)
    {
        written = Neighbors.TryGetValue(neighbor, out var w) ? w ?? "(none)" : "(none)";
        return written switch
        {
            "internal" => Asn,
            _ when long.TryParse(written, out var asn) => asn,
            _ => null,
        };
    }

    /// <summary>Reads the node's exec lines: <c>ip addr add</c> and every <c>vtysh -c '...'</c> command.</summary>
    public static FrrRouterIntent? FromNode(ClabNode node)
    {
        var exec = node.Effective.Exec ?? new List<string>();
        var intent = new FrrRouterIntent { Router = node.Name, Source = node.Position?.ToString() };
        var hasBgp = false;
        var groups = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var members = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in exec)
        {
            var argv = ShellWords(line);
            if (argv.Count >= 6 && argv[0] == "ip" && argv[1] == "addr" && argv[2] == "add" && argv[4] == "dev")
                intent.Addresses.Add((argv[5], argv[3]));
            if (argv.Count == 0 || Path.GetFileName(argv[0]) != "vtysh") continue;
            for (var i = 1; i < argv.Count - 1; i++)
            {
                if (argv[i] != "-c") continue;
                var words = argv[++i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length >= 3 && words[0] == "router" && words[1] == "bgp" && long.TryParse(words[2], out var asn)) { intent.Asn = asn; hasBgp = true; }
                else if (words.Length >= 4 && words[0] == "bgp" && words[1] == "router-id") intent.RouterId = words[2];
                else if (words.Length >= 2 && words[0] == "neighbor")
                {
                    var name = words[1];
                    if (words.Length == 3 && words[2] == "peer-group") groups.TryAdd(name, null);
                    else if (words.Length >= 4 && words[2] == "remote-as") { if (groups.ContainsKey(name)) groups[name] = words[3]; else intent.Neighbors[name] = words[3]; }
                    else if (words.Length >= 4 && words[^2] == "peer-group") members[name] = words[^1];
                    else if (words.Length >= 3 && words[2] == "interface") intent.Neighbors.TryAdd(name, null);
                }
            }
        }
        foreach (var (member, group) in members)
        {
            if (!intent.Neighbors.TryGetValue(member, out var own) || own is null)
                intent.Neighbors[member] = groups.TryGetValue(group, out var remote) ? remote : null;
        }
        return hasBgp ? intent : null;
    }

    /// <summary>POSIX-shell word splitting for exec lines (quotes and backslashes; no expansions).</summary>
    internal static List<string> ShellWords(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool inWord = false, single = false, dbl = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (single) { if (c == '\'') single = false; else current.Append(c); continue; }
            if (dbl)
            {
                if (c == '"') dbl = false;
                else if (c == '\\' && i + 1 < line.Length && "\"\\$`".Contains(line[i + 1])) current.Append(line[++i]);
                else current.Append(c);
                continue;
            }
            if (char.IsWhiteSpace(c)) { if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; } continue; }
            inWord = true;
            if (c == '\'') single = true;
            else if (c == '"') dbl = true;
            else if (c == '\\' && i + 1 < line.Length) current.Append(line[++i]);
            else current.Append(c);
        }
        if (inWord) words.Add(current.ToString());
        return words;
    }
}

/// <summary>
/// Cross-checks Cilium peering policies against the fabric before anything is deployed: for each node a
/// policy selects, the router owning the peer address must have that node as a neighbor with the ASN the
/// policy uses, the policy's peer ASN must be the router's, the peer address should be the router's loopback,
/// and every nodeSelector must match some node.
/// </summary>
public static class BgpLabConfigTest
{
    private static bool InSubnet(string address, string interfaceAddress) => SubnetMath.InSubnet(address, interfaceAddress);

    public static IReadOnlyList<BgpLabConfigFinding> Run(IEnumerable<CiliumBgpPeeringPolicy> policies, ClabTopology topology, IReadOnlyList<CiliumNodeIntent> nodes)
    {
        var routers = topology.Nodes.Select(FrrRouterIntent.FromNode).Where(r => r is not null).Select(r => r!).ToList();
        var findings = new List<BgpLabConfigFinding>();
        foreach (var policy in policies)
        {
            var policyName = policy.Source is null ? policy.Name : $"{policy.Name} ({policy.Source})";
            var selected = nodes.Where(n => policy.NodeSelector?.Matches(n.Labels) ?? true).ToList();
            if (selected.Count == 0)
            {
                findings.Add(new BgpLabConfigFinding
                {
                    Code = "NodeSelectorMatchesNoNode", Policy = policyName,
                    Message = $"Policy {policy.Name}: nodeSelector '{policy.NodeSelector}' matches none of the {nodes.Count} nodes ({string.Join(", ", nodes.Select(n => $"{n.Name} [{string.Join(",", n.Labels.Select(l => $"{l.Key}={l.Value}"))}]"))}).",
                });
            }
            foreach (var router in policy.VirtualRouters)
            foreach (var neighbor in router.Neighbors)
            {
                var peerIp = neighbor.PeerIP;
                var owner = routers.FirstOrDefault(r => r.Addresses.Any(a => a.Address.Split('/')[0] == peerIp));
                if (owner is null)
                {
                    findings.Add(new BgpLabConfigFinding
                    {
                        Code = "PeerAddressNotInFabric", Policy = policyName, LocalAsn = router.LocalAsn, PeerAddress = neighbor.PeerAddress,
                        Message = $"Policy {policy.Name}: peer {neighbor.PeerAddress} is no address of any FRR router of topology {topology.Name} ({string.Join(", ", routers.Select(r => $"{r.Router}: {string.Join(" ", r.Addresses.Select(a => a.Address))}"))}).",
                    });
                    continue;
                }
                if (!owner.LoopbackAddresses.Contains(peerIp))
                {
                    findings.Add(new BgpLabConfigFinding
                    {
                        Code = "PeerAddressNotOnLoopback", Severity = "Warning", Policy = policyName, LocalAsn = router.LocalAsn, PeerAddress = neighbor.PeerAddress,
                        Router = owner.Router, RouterSetting = string.Join(", ", owner.Addresses.Where(a => a.Address.Split('/')[0] == peerIp).Select(a => $"{a.Address} dev {a.Interface}")),
                        Message = $"Policy {policy.Name}: peer {neighbor.PeerAddress} is on {owner.Router} but not on its loopback; the session then depends on that one interface.",
                    });
                }
                if (owner.Asn != neighbor.PeerAsn)
                {
                    findings.Add(new BgpLabConfigFinding
                    {
                        Code = "PeerAsnMismatch", Policy = policyName, LocalAsn = router.LocalAsn, PeerAddress = neighbor.PeerAddress,
                        Router = owner.Router, RouterSetting = $"router bgp {owner.Asn}",
                        Message = $"Policy {policy.Name}: peerASN {neighbor.PeerAsn} for {neighbor.PeerAddress}, but {owner.Router} runs 'router bgp {owner.Asn}'.",
                    });
                }
                foreach (var node in selected)
                {
                    if (node.Address is null)
                    {
                        findings.Add(new BgpLabConfigFinding
                        {
                            Code = "NodeAddressUnknown", Severity = "Warning", Policy = policyName, Node = node.Name, Router = owner.Router,
                            Message = $"Policy {policy.Name}: node {node.Name} has no known node IP, so {owner.Router}'s neighbor for it cannot be checked.",
                        });
                        continue;
                    }
                    if (!owner.Addresses.Any(a => a.Interface != "lo" && InSubnet(node.Address, a.Address)))
                    {
                        findings.Add(new BgpLabConfigFinding
                        {
                            Code = "NodeNotAttachedToRouter", Severity = "Warning", Policy = policyName, LocalAsn = router.LocalAsn, PeerAddress = neighbor.PeerAddress,
                            Node = node.Name, NodeAddress = node.Address, Router = owner.Router,
                            RouterSetting = string.Join(", ", owner.Addresses.Where(a => a.Interface != "lo").Select(a => $"{a.Address} dev {a.Interface}")),
                            Message = $"Policy {policy.Name}: node {node.Name} ({node.Address}) is on none of {owner.Router}'s subnets, so {neighbor.PeerAddress} on its loopback is reachable only through other routers.",
                        });
                    }
                    if (!owner.Neighbors.ContainsKey(node.Address))
                    {
                        findings.Add(new BgpLabConfigFinding
                        {
                            Code = "RouterLacksNeighbor", Policy = policyName, LocalAsn = router.LocalAsn, PeerAddress = neighbor.PeerAddress,
                            Node = node.Name, NodeAddress = node.Address, Router = owner.Router,
                            RouterSetting = $"neighbors: {string.Join(", ", owner.Neighbors.Keys)}",
                            Message = $"Policy {policy.Name} peers node {node.Name} ({node.Address}) with {neighbor.PeerAddress} on {owner.Router}, but {owner.Router} has no 'neighbor {node.Address}'.",
                        });
                        continue;
                    }
                    var remote = owner.RemoteAsnOf(node.Address, out var written);
                    var matches = written == "external" ? router.LocalAsn != owner.Asn : remote == router.LocalAsn;
                    if (!matches)
                    {
                        var meaning = written == "internal" ? $" (= {owner.Asn})" : written == "external" ? $" (≠ {owner.Asn})" : "";
                        findings.Add(new BgpLabConfigFinding
                        {
                            Code = "RemoteAsMismatch", Policy = policyName, LocalAsn = router.LocalAsn, PeerAddress = neighbor.PeerAddress,
                            Node = node.Name, NodeAddress = node.Address, Router = owner.Router,
                            RouterSetting = $"neighbor {node.Address} remote-as {written}{meaning}",
                            Message = $"Policy {policy.Name}: node {node.Name} ({node.Address}) speaks as AS {router.LocalAsn}, but {owner.Router} expects remote-as {written}{meaning}.",
                        });
                    }
                }
            }
        }
        return findings;
    }
}

/// <summary>Whether an address lies in the subnet of an interface address (A/L).</summary>
internal static class SubnetMath
{
    public static bool InSubnet(string address, string interfaceAddress)
    {
        var parts = interfaceAddress.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var network) || !int.TryParse(parts[1], out var length) ||
            !IPAddress.TryParse(address, out var candidate) || network.AddressFamily != candidate.AddressFamily) return false;
        var a = network.GetAddressBytes();
        var b = candidate.GetAddressBytes();
        for (var bit = 0; bit < length; bit++)
        {
            var mask = (byte)(0x80 >> (bit % 8));
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) return false;
        }
        return true;
    }
}

/// <summary>Reads the nodes a Kind cluster config will create: names, node IPs and labels from kubeadm patches.</summary>
public static class KindClusterNodes
{
    public static IReadOnlyList<CiliumNodeIntent> Read(string path)
    {
        if (!File.Exists(path))
            throw new BgpLabException($"Kind cluster config {path} does not exist.", "KindConfigNotFound", FailureKind.ObjectNotFound, path);
        var doc = CiliumYaml.ParseDocuments(File.ReadAllText(path), path).FirstOrDefault()?.Node as JsonObject
            ?? throw new BgpLabException($"{path}: not a Kind cluster config.", "KindConfigInvalid", FailureKind.InvalidData, path);
        var cluster = doc["name"]?.GetValue<string>() ?? "kind";
        var result = new List<CiliumNodeIntent>();
        int controlPlanes = 0, workers = 0;
        foreach (var node in doc["nodes"]?.AsArray() ?? new JsonArray(new JsonObject { ["role"] = "control-plane" }))
        {
            var role = node?["role"]?.GetValue<string>() ?? "control-plane";
            var count = role == "worker" ? ++workers : ++controlPlanes;
            var name = $"{cluster}-{(role == "worker" ? "worker" : "control-plane")}{(count > 1 ? count.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}";
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (k, v) in node?["labels"]?.AsObject() ?? new JsonObject()) labels[k] = v?.ToString() ?? "";
            string? address = null;
            foreach (var patch in node?["kubeadmConfigPatches"]?.AsArray() ?? new JsonArray())
            {
                if (patch is not JsonValue text || CiliumYaml.ParseDocuments(text.GetValue<string>(), path).FirstOrDefault()?.Node is not JsonObject p) continue;
                foreach (var (key, value) in KubeletExtraArgs(p["nodeRegistration"]?["kubeletExtraArgs"]))
                {
                    if (key == "node-ip") address = value.Split(',')[0];
                    if (key == "node-labels")
                        foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                            if (pair.Split('=', 2) is [var lk, var lv]) labels[lk] = lv;
                }
            }
            labels.TryAdd("kubernetes.io/hostname", name);
            result.Add(new CiliumNodeIntent(name, address, labels, path));
        }
        return result;
    }

    // kubeadm v1beta3 writes kubeletExtraArgs as a map, v1beta4 as a list of {name, value}.
    private static IEnumerable<(string, string)> KubeletExtraArgs(JsonNode? node) => node switch
    {
        JsonObject o => o.Select(p => (p.Key, p.Value?.ToString() ?? "")),
        JsonArray a => a.OfType<JsonObject>().Select(e => (e["name"]?.ToString() ?? "", e["value"]?.ToString() ?? "")),
        _ => Enumerable.Empty<(string, string)>(),
    };
}
