using BgpLab.Engine.Common;
using BgpLab.Engine.Kind;
using BgpLab.Engine.Net;

namespace BgpLab.Engine.Clab;

/// <summary>A link ready to wire: both endpoints, its MTU and where it was written.</summary>
public sealed record PlannedLink(int Index, ClabEndpoint A, ClabEndpoint Z, int Mtu, SourcePosition? Position)
{
    public override string ToString() => $"{A} <-> {Z}";
}

/// <summary>What the deployer needs decided before it touches the engine: a valid order and the links.</summary>
public sealed class ClabDeployPlan
{
    public required ClabTopology Topology { get; init; }

    /// <summary>The nodes, each after the node whose network namespace it shares.</summary>
    public required IReadOnlyList<ClabNode> Order { get; init; }

    /// <summary>node → the lab node whose namespace it joins (network-mode container:&lt;node&gt;).</summary>
    public required IReadOnlyDictionary<string, string> SharesNamespaceWith { get; init; }

    /// <summary>node → the container named in network-mode that is not a lab node (resolved at deploy).</summary>
    public required IReadOnlyDictionary<string, string> ExternalNamespace { get; init; }

    public required IReadOnlyList<PlannedLink> Links { get; init; }

    /// <summary>k8s-kind node → the Kind cluster it stands for (created before any node that lives in its containers).</summary>
    public IReadOnlyDictionary<string, PlannedKindCluster> KindClusters { get; init; } = new Dictionary<string, PlannedKindCluster>();

    /// <summary>node → the k8s-kind node whose cluster container it is (ext-container) or joins (network-mode container:).</summary>
    public IReadOnlyDictionary<string, string> WaitsForCluster { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// A k8s-kind node as containerlab reads it: the cluster is named after the node, its startup-config is the
/// kind config (relative to the topology file) and its image, if any, is the node image.
/// </summary>
public sealed record PlannedKindCluster(string Node, string ConfigPath, KindClusterConfig Config, string? Image, IReadOnlyList<string> NodeContainers);

/// <summary>
/// Checks a topology can be deployed natively (linux and ext-container nodes, veth links) and orders it:
/// nodes sharing another node's namespace come after it; cycles are refused. Nothing is created here.
/// </summary>
public static class ClabDeployPlanner
{
    public static readonly IReadOnlySet<string> SupportedKinds = new HashSet<string>(StringComparer.Ordinal) { "linux", "ext-container", "k8s-kind" };

    public static ClabDeployPlan Plan(ClabTopology topology)
    {
        if (topology.Nodes.Count == 0) throw Invalid(topology, null, $"Topology '{topology.Name}' has no nodes.", "NoNodes");
        var shares = new Dictionary<string, string>(StringComparer.Ordinal);
        var external = new Dictionary<string, string>(StringComparer.Ordinal);
        var clusters = new Dictionary<string, PlannedKindCluster>(StringComparer.Ordinal);
        foreach (var node in topology.Nodes.Where(n => n.Kind == "k8s-kind")) clusters[node.Name] = PlanKindCluster(topology, node);
        var clusterOf = new Dictionary<string, string>(StringComparer.Ordinal); // Kind node container → k8s-kind node
        foreach (var cluster in clusters.Values)
            foreach (var container in cluster.NodeContainers) clusterOf[container] = cluster.Node;
        var waits = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in topology.Nodes)
        {
            if (!SupportedKinds.Contains(node.Kind))
                throw Invalid(topology, node.Position, $"Node '{node.Name}' has kind '{node.Kind}'; BgpLab deploys only kinds {string.Join(", ", SupportedKinds)} natively.", "UnsupportedKind", node.Name);
            if (node.Kind == "linux" && string.IsNullOrEmpty(node.Image))
                throw Invalid(topology, node.Position, $"Node '{node.Name}' has no image.", "MissingImage", node.Name);
            if (node.NetworkModeContainer is { } target)
            {
                if (target.Length == 0) throw Invalid(topology, node.Position, $"Node '{node.Name}' has network-mode 'container:' without a container name.", "InvalidNetworkMode", node.Name);
                if (topology.FindNode(target) is not null) shares[node.Name] = target;
                else external[node.Name] = target;
                if (clusterOf.TryGetValue(target, out var owner)) waits[node.Name] = owner;
                if (node.Effective.Ports is { Count: > 0 })
                    throw Invalid(topology, node.Position, $"Node '{node.Name}' publishes ports but shares the network namespace of '{target}'; Docker refuses ports in container network mode.", "PortsInContainerMode", node.Name);
                if (!string.IsNullOrEmpty(node.Effective.MgmtIPv4) || !string.IsNullOrEmpty(node.Effective.MgmtIPv6))
                    throw Invalid(topology, node.Position, $"Node '{node.Name}' sets a management address but shares the network namespace of '{target}'.", "MgmtIpInContainerMode", node.Name);
            }
            if (node.Kind == "ext-container" && clusterOf.TryGetValue(node.Name, out var cluster)) waits[node.Name] = cluster;
        }

        var order = new List<ClabNode>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        foreach (var node in topology.Nodes) Visit(node, new Stack<string>());

        void Visit(ClabNode node, Stack<string> path)
        {
            if (state.TryGetValue(node.Name, out var s))
            {
                if (s == 2) return;
                var cycle = path.Reverse().SkipWhile(n => n != node.Name).Append(node.Name);
                throw Invalid(topology, node.Position, $"Nodes share network namespaces in a cycle: {string.Join(" -> ", cycle)}.", "NamespaceCycle", node.Name);
            }
            state[node.Name] = 1;
            path.Push(node.Name);
            if (shares.TryGetValue(node.Name, out var target)) Visit(topology.FindNode(target)!, path);
            if (waits.TryGetValue(node.Name, out var cluster)) Visit(topology.FindNode(cluster)!, path);
            path.Pop();
            state[node.Name] = 2;
            order.Add(node);
        }

        var links = new List<PlannedLink>();
        var used = new Dictionary<string, PlannedLink>(StringComparer.Ordinal);
        for (var i = 0; i < topology.Links.Count; i++)
        {
            var link = topology.Links[i];
            if (link.Type is not null and not "veth")
                throw Invalid(topology, link.Position, $"Link {link} has type '{link.Type}'; BgpLab wires veth links only.", "UnsupportedLinkType", link.ToString());
            if (link.Endpoints.Count != 2)
                throw Invalid(topology, link.Position, $"Link {link} must have exactly two endpoints.", "InvalidLink", link.ToString());
            var planned = new PlannedLink(i, link.Endpoints[0], link.Endpoints[1], link.Mtu ?? NetworkLinks.DefaultMtu, link.Position);
            foreach (var end in link.Endpoints)
            {
                if (topology.FindNode(end.Node) is null)
                    throw Invalid(topology, end.Position ?? link.Position, $"Link {link} names node '{end.Node}', which is not in the topology.", "UnknownLinkNode", end.ToString());
                if (clusters.TryGetValue(end.Node, out var endCluster))
                    throw Invalid(topology, end.Position ?? link.Position,
                        $"Link {link} ends on k8s-kind node '{end.Node}', which is a cluster, not a container; link to one of its node containers ({string.Join(", ", endCluster.NodeContainers)}) as an ext-container node.",
                        "LinkToKindCluster", end.ToString());
                if (!NetworkLinks.IsValidInterfaceName(end.Interface))
                    throw Invalid(topology, end.Position ?? link.Position, $"Link {link}: '{end.Interface}' is not a valid interface name (1-15 characters, no '/', ':' or spaces).", "InvalidInterfaceName", end.ToString());
                if (end.Interface == "eth0" && topology.FindNode(end.Node)!.NetworkMode is not "none")
                    throw Invalid(topology, end.Position ?? link.Position, $"Link {link}: eth0 of '{end.Node}' is its management interface and cannot be a link end.", "InvalidInterfaceName", end.ToString());
                var key = NamespaceKey(end.Node, shares, external) + ":" + end.Interface;
                if (used.TryGetValue(key, out var other))
                    throw Invalid(topology, end.Position ?? link.Position, $"Interface {end} of link {link} is already used by link {other} (same network namespace).", "DuplicateInterface", end.ToString());
                used[key] = planned;
            }
            links.Add(planned);
        }
        return new ClabDeployPlan
        {
            Topology = topology, Order = order, SharesNamespaceWith = shares, ExternalNamespace = external, Links = links,
            KindClusters = clusters, WaitsForCluster = waits,
        };
    }

    /// <summary>Reads a k8s-kind node's kind config (its startup-config, relative to the topology file) and names the containers kind will create.</summary>
    private static PlannedKindCluster PlanKindCluster(ClabTopology topology, ClabNode node)
    {
        var startup = node.Effective.StartupConfig;
        if (string.IsNullOrEmpty(startup))
            throw Invalid(topology, node.Position, $"k8s-kind node '{node.Name}' has no startup-config; it must name the kind cluster config file.", "MissingStartupConfig", node.Name);
        var path = topology.ResolvePath(startup);
        if (!File.Exists(path))
            throw Invalid(topology, node.Position, $"k8s-kind node '{node.Name}': startup-config '{startup}' ({path}) does not exist.", "StartupConfigNotFound", node.Name);
        KindClusterConfig config;
        try
        {
            config = KindConfigYaml.ReadFile(path);
            config.Name = node.Name; // containerlab names the cluster after the node, whatever the file says
            KindConfigValidator.ThrowIfInvalid(config);
        }
        catch (BgpLabException e)
        {
            throw Invalid(topology, node.Position, $"k8s-kind node '{node.Name}': startup-config is not a valid kind config: {e.Message}", "InvalidStartupConfig", node.Name);
        }
        if (node.Effective.Exec is { Count: > 0 })
            throw Invalid(topology, node.Position, $"k8s-kind node '{node.Name}' has exec commands; a cluster has no container to run them in (put them on its ext-container nodes).", "ExecOnKindCluster", node.Name);
        return new PlannedKindCluster(node.Name, path, config, string.IsNullOrEmpty(node.Image) ? null : node.Image, KindClusters.NodeNames(config, node.Name));
    }

    /// <summary>Nodes sharing a namespace share interface names too: key each by the namespace's owner.</summary>
    private static string NamespaceKey(string node, IReadOnlyDictionary<string, string> shares, IReadOnlyDictionary<string, string> external)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (shares.TryGetValue(node, out var next) && seen.Add(node)) node = next;
        return external.TryGetValue(node, out var ext) ? "external/" + ext : node;
    }

    private static BgpLabException Invalid(ClabTopology topology, SourcePosition? position, string message, string errorId, object? target = null) =>
        new((position is not null ? position + ": " : topology.Path is not null ? topology.Path + ": " : "") + message,
            errorId, FailureKind.InvalidData, target ?? topology.Name);
}
