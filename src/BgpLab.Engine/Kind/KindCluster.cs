namespace BgpLab.Engine.Kind;

/// <summary>A Kind cluster as found on the Docker engine: its node containers and where its kubeconfig is.</summary>
public sealed class KindCluster
{
    public required string Name { get; init; }
    /// <summary>The kubeconfig file that holds the cluster's context (kind's default location unless told otherwise).</summary>
    public required string KubeconfigPath { get; init; }
    /// <summary>kind-&lt;name&gt;.</summary>
    public required string Context { get; init; }
    /// <summary>The API server URL from the kubeconfig (https://127.0.0.1:&lt;port&gt; for kind), or null when the kubeconfig lacks the context.</summary>
    public string? ApiServerEndpoint { get; init; }
    public required IReadOnlyList<KindNode> Nodes { get; init; }

    public override string ToString() => Name;
}

/// <summary>
/// One Kind node: its container (name, role, state, addresses on the kind network) and — when the API
/// server answered — the Kubernetes node it runs (name, labels, InternalIP, Pod CIDRs, Ready).
/// </summary>
public sealed class KindNode
{
    /// <summary>The container name, which kind also uses as hostname and Kubernetes node name.</summary>
    public required string Name { get; init; }
    public required string Cluster { get; init; }
    /// <summary>control-plane, worker or external-load-balancer (the io.x-k8s.kind.role label).</summary>
    public required string Role { get; init; }
    public required string ContainerId { get; init; }
    public required string State { get; init; }
    public string? Image { get; init; }
    /// <summary>IPv4 address on the kind network.</summary>
    public string? IPv4Address { get; init; }
    public string? IPv6Address { get; init; }

    // From the Kubernetes API (null when it was not reachable or the node has not registered).
    public string? KubeNodeName { get; set; }
    public IReadOnlyDictionary<string, string>? Labels { get; set; }
    public string? InternalIP { get; set; }
    public IReadOnlyList<string>? PodCidrs { get; set; }
    public bool? Ready { get; set; }

    public override string ToString() => Name;
}

/// <summary>Options of <c>kind create cluster</c> beyond the config.</summary>
public sealed class KindCreateOptions
{
    /// <summary>--name (overrides the config's name).</summary>
    public string? Name { get; init; }
    /// <summary>--image for every node.</summary>
    public string? Image { get; init; }
    /// <summary>--wait for the control-plane to be Ready (kind only warns when it is not).</summary>
    public TimeSpan? Wait { get; init; }
    /// <summary>--kubeconfig: the file kind merges the cluster's context into.</summary>
    public string? Kubeconfig { get; init; }
    /// <summary>--retain: keep the nodes when creation fails (for debugging).</summary>
    public bool Retain { get; init; }
}
