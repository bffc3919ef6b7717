using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Kind;

/// <summary>What validation found: errors refuse the config before kind runs; warnings are told to the user.</summary>
public sealed class KindValidationResult
{
    public List<string> Errors { get; } = new();
    public List<string> Warnings { get; } = new();
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// kind's own config validation (pkg/internal/apis/config/validate.go: name, IP family, subnets, proxy mode,
/// roles, port mappings, mounts) plus what kind accepts but then fails or silently ignores: an even number of
/// control-planes, duplicate or out-of-family node IPs, node IPs inside the Pod/Service subnets, labels given
/// both as nodes[].labels and as a node-labels patch (the patch replaces them), patches a node never reads.
/// </summary>
public static partial class KindConfigValidator
{
    public static KindValidationResult Validate(KindClusterConfig config)
    {
        var r = new KindValidationResult();
        var name = config.EffectiveName;
        if (!ClusterName().IsMatch(name))
            r.Errors.Add($"name \"{name}\" is not a valid cluster name: it must match ^[a-z0-9.-]+$ (lower-case letters, digits, '.' and '-')");
        else if (name.Length > 50)
            r.Warnings.Add($"name \"{name}\" is longer than 50 characters; kind warns that node hostnames may be truncated");

        var n = config.Networking;
        var family = n.IpFamily ?? "ipv4";
        if (family is not ("ipv4" or "ipv6" or "dual"))
            r.Errors.Add($"networking.ipFamily \"{family}\" is invalid: use ipv4, ipv6 or dual");
        if (n.ApiServerPort is < -1 or > 65535)
            r.Errors.Add($"networking.apiServerPort {n.ApiServerPort} is invalid: use 0 (random), -1 (docker chooses) or 1-65535");
        if (n.ApiServerAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
            r.Errors.Add($"networking.apiServerAddress \"{address}\" is not an IP address");
        if (n.KubeProxyMode is { Length: > 0 } mode && mode is not ("iptables" or "ipvs" or "nftables" or "none"))
            r.Errors.Add($"networking.kubeProxyMode \"{mode}\" is invalid: use iptables, ipvs, nftables or none");
        var podNets = Subnets(n.PodSubnet, "networking.podSubnet", family, r);
        var serviceNets = Subnets(n.ServiceSubnet, "networking.serviceSubnet", family, r);
        foreach (var p in podNets)
            foreach (var s in serviceNets)
                if (Overlap(p, s)) r.Errors.Add($"networking.podSubnet {p} and networking.serviceSubnet {s} overlap");

        var nodes = config.Nodes.Count == 0 ? [new KindNodeConfig()] : config.Nodes;
        var controlPlanes = nodes.Count(x => x.Role == KindNodeConfig.ControlPlane);
        if (controlPlanes == 0) r.Errors.Add("nodes: a cluster needs at least one control-plane node (role: control-plane)");
        if (controlPlanes > 1 && controlPlanes % 2 == 0)
            r.Errors.Add($"nodes: {controlPlanes} control-plane nodes: an HA control plane needs an odd number (3, 5, …) so etcd keeps quorum when one fails; use 1 control-plane, or {controlPlanes + 1}");

        var ips = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var where = $"nodes[{i}]" + (node.SourceLine > 0 ? $" (line {node.SourceLine})" : "");
            if (node.Role is not (KindNodeConfig.ControlPlane or KindNodeConfig.Worker))
                r.Errors.Add($"{where}: role \"{node.Role}\" is unknown: use control-plane or worker");
            foreach (var (key, value) in node.Labels)
            {
                if (!LabelKey().IsMatch(key) || key.Length > 316) r.Errors.Add($"{where}: label key \"{key}\" is not a valid Kubernetes label key");
                if (value.Length > 63 || !LabelValue().IsMatch(value)) r.Errors.Add($"{where}: label value \"{value}\" of \"{key}\" is not a valid Kubernetes label value (≤ 63 characters: letters, digits, '-', '_', '.', alphanumeric at both ends)");
            }
            var portKeys = new HashSet<string>();
            foreach (var p in node.ExtraPortMappings)
            {
                var protocol = p.Protocol ?? "TCP";
                if (protocol is not ("TCP" or "UDP" or "SCTP")) r.Errors.Add($"{where}: extraPortMappings protocol \"{protocol}\" is invalid: use TCP, UDP or SCTP");
                if (p.ContainerPort is < 0 or > 65535) r.Errors.Add($"{where}: extraPortMappings containerPort {p.ContainerPort} is out of range");
                if (p.HostPort is < -1 or > 65535) r.Errors.Add($"{where}: extraPortMappings hostPort {p.HostPort} is out of range");
                if (p.HostPort > 0 && !portKeys.Add($"{p.ListenAddress ?? "0.0.0.0"}:{p.HostPort}/{protocol}"))
                    r.Errors.Add($"{where}: port mapping with same listen address, port and protocol already configured: {p.ListenAddress ?? "0.0.0.0"}:{p.HostPort}/{protocol}");
            }
            foreach (var m in node.ExtraMounts)
                if (m.Propagation is { Length: > 0 } propagation && propagation is not ("None" or "HostToContainer" or "Bidirectional"))
                    r.Errors.Add($"{where}: extraMounts propagation \"{propagation}\" is invalid: use None, HostToContainer or Bidirectional");

            var args = KubeadmPatches.Effective(config, node);
            foreach (var ineffective in args.IneffectivePatches)
                r.Warnings.Add($"{where}: a {ineffective} has no effect: this node runs kubeadm {(ReferenceEquals(node, nodes.FirstOrDefault(x => x.Role == KindNodeConfig.ControlPlane)) ? "init (InitConfiguration)" : "join (JoinConfiguration)")}");
            if (node.Labels.Count > 0 && !node.LabelsInKubeadmPatch && args.NodeLabels is not null)
                r.Errors.Add($"{where}: labels are set both in labels: ({string.Join(",", node.Labels.Keys)}) and in a kubeadm node-labels patch; kind's node-labels patch replaces labels: instead of merging — set them in one place");
            if (args.NodeIP is { } ip)
            {
                if (!IPAddress.TryParse(ip, out var parsed))
                {
                    r.Errors.Add($"{where}: node-ip \"{ip}\" is not an IP address");
                    continue;
                }
                if ((family == "ipv4" && parsed.AddressFamily != AddressFamily.InterNetwork) || (family == "ipv6" && parsed.AddressFamily != AddressFamily.InterNetworkV6))
                    r.Errors.Add($"{where}: node-ip {ip} does not match networking.ipFamily {family}");
                if (ips.TryGetValue(ip, out var other))
                    r.Errors.Add($"{where}: node-ip {ip} is also the node-ip of {other}; every node needs its own address");
                else ips[ip] = where;
                foreach (var net in podNets.Concat(serviceNets))
                    if (net.Contains(parsed)) r.Errors.Add($"{where}: node-ip {ip} lies inside {net}, which Kubernetes uses for Pods/Services");
            }
        }
        if (n.DisableDefaultCNI)
            r.Warnings.Add("networking.disableDefaultCNI is true: nodes stay NotReady until a CNI (e.g. Cilium) is installed, so kind's --wait only times out (kind then just warns)");
        return r;
    }

    /// <summary>Validates and throws one error listing every problem (named by the config's file when it has one).</summary>
    public static KindValidationResult ThrowIfInvalid(KindClusterConfig config)
    {
        var result = Validate(config);
        if (!result.IsValid)
        {
            var source = config.SourcePath is null ? $"Kind cluster config '{config.EffectiveName}'" : config.SourcePath;
            throw new BgpLabException($"{source} is invalid:{Environment.NewLine}" + string.Join(Environment.NewLine, result.Errors.Select(e => "  " + e)),
                "KindConfigInvalid", FailureKind.InvalidData, config.SourcePath ?? config.EffectiveName);
        }
        return result;
    }

    private static List<IPNetwork> Subnets(string? text, string field, string family, KindValidationResult r)
    {
        var nets = new List<IPNetwork>();
        if (string.IsNullOrEmpty(text)) return nets;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        foreach (var part in parts)
        {
            if (!part.Contains('/') || !IPNetwork.TryParse(part, out var net))
            {
                r.Errors.Add($"{field} \"{part}\" is not a valid CIDR (e.g. 10.1.0.0/16)");
                continue;
            }
            if (net.BaseAddress.ToString() != part.Split('/')[0] && !IPAddress.Parse(part.Split('/')[0]).Equals(net.BaseAddress))
                r.Errors.Add($"{field} \"{part}\" has host bits set (the network is {net})");
            nets.Add(net);
        }
        var v4 = nets.Count(x => x.BaseAddress.AddressFamily == AddressFamily.InterNetwork);
        var v6 = nets.Count - v4;
        var ok = family switch
        {
            "ipv4" => nets.Count == 1 && v4 == 1,
            "ipv6" => nets.Count == 1 && v6 == 1,
            "dual" => v4 == 1 && v6 == 1,
            _ => true,
        };
        if (!ok && nets.Count == parts.Length)
            r.Errors.Add($"{field} \"{text}\" does not fit networking.ipFamily {family} ({(family == "dual" ? "one IPv4 and one IPv6 CIDR, comma-separated" : $"one {family} CIDR")})");
        return nets;
    }

    private static bool Overlap(IPNetwork a, IPNetwork b) =>
        a.BaseAddress.AddressFamily == b.BaseAddress.AddressFamily && (a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress));

    [GeneratedRegex("^[a-z0-9.-]+$")]
    private static partial Regex ClusterName();

    [GeneratedRegex(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex LabelKey();

    [GeneratedRegex(@"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();
}
