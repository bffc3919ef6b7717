using BgpLab.Engine.Common;
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
}

/// <summary>
/// Checks a topology can be deployed natively (linux and ext-container nodes, veth links) and orders it:
/// nodes sharing another node's namespace come after it; cycles are refused. Nothing is created here.
/// </summary>
public static class ClabDeployPlanner
{
    public static readonly IReadOnlySet<string> SupportedKinds = new HashSet<string>(StringComparer.Ordinal) { "linux", "ext-container" };

    public static ClabDeployPlan Plan(ClabTopology topology)
    {
        if (topology.Nodes.Count == 0) throw Invalid(topology, null, $"Topology '{topology.Name}' has no nodes.", "NoNodes");
        var shares = new Dictionary<string, string>(StringComparer.Ordinal);
        var external = new Dictionary<string, string>(StringComparer.Ordinal);
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
                if (node.Effective.Ports is { Count: > 0 })
                    throw Invalid(topology, node.Position, $"Node '{node.Name}' publishes ports but shares the network namespace of '{target}'; Docker refuses ports in container network mode.", "PortsInContainerMode", node.Name);
                if (!string.IsNullOrEmpty(node.Effective.MgmtIPv4) || !string.IsNullOrEmpty(node.Effective.MgmtIPv6))
                    throw Invalid(topology, node.Position, $"Node '{node.Name}' sets a management address but shares the network namespace of '{target}'.", "MgmtIpInContainerMode", node.Name);
            }
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
        return new ClabDeployPlan { Topology = topology, Order = order, SharesNamespaceWith = shares, ExternalNamespace = external, Links = links };
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
