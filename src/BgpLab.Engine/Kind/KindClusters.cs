using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Kube;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BgpLab.Engine.Kind;

/// <summary>
/// Kind clusters end to end: finds them by kind's container labels, creates them through the kind CLI after
/// validating the config, removes them (kind delete, then the kind network when nothing uses it any more),
/// and enriches nodes with what the Kubernetes API says.
/// </summary>
public static class KindClusters
{
    public const string ClusterLabel = "io.x-k8s.kind.cluster";
    public const string RoleLabel = "io.x-k8s.kind.role";
    public const string NetworkName = "kind";

    /// <summary>The network kind puts nodes on (KIND_EXPERIMENTAL_DOCKER_NETWORK overrides it, as in kind).</summary>
    public static string Network => Environment.GetEnvironmentVariable("KIND_EXPERIMENTAL_DOCKER_NETWORK") is { Length: > 0 } n ? n : NetworkName;

    /// <summary>The container names kind gives nodes: &lt;cluster&gt;-&lt;role&gt;, then -&lt;role&gt;2, -&lt;role&gt;3, … per role.</summary>
    public static IReadOnlyList<string> NodeNames(KindClusterConfig config, string clusterName)
    {
        var counts = new Dictionary<string, int>();
        var names = new List<string>();
        var nodes = config.Nodes.Count == 0 ? [new KindNodeConfig()] : config.Nodes;
        foreach (var node in nodes)
        {
            var n = counts[node.Role] = counts.GetValueOrDefault(node.Role) + 1;
            names.Add($"{clusterName}-{node.Role}{(n == 1 ? "" : n.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        }
        return names;
    }

    /// <summary>Kind clusters on the Docker engine (optionally one by name), with their nodes sorted control-plane first.</summary>
    public static async Task<IReadOnlyList<KindCluster>> GetAsync(DockerEngine docker, string? name, string? kubeconfig, CancellationToken ct)
    {
        var containers = await docker.ListContainersAsync(new Dictionary<string, string?> { [ClusterLabel] = name }, ct).ConfigureAwait(false);
        var path = KindKubeconfig.DefaultPath(kubeconfig);
        return containers.GroupBy(c => c.Labels[ClusterLabel]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var context = KindKubeconfig.ContextName(g.Key);
            return new KindCluster
            {
                Name = g.Key,
                KubeconfigPath = path,
                Context = context,
                ApiServerEndpoint = KindKubeconfig.ServerOf(path, context),
                Nodes = g.Select(c => ToNode(c, g.Key)).OrderBy(n => RoleOrder(n.Role)).ThenBy(n => n.Name, StringComparer.Ordinal).ToList(),
            };
        }).ToList();
    }

    private static int RoleOrder(string role) => role switch { "external-load-balancer" => 0, KindNodeConfig.ControlPlane => 1, _ => 2 };

    private static KindNode ToNode(ContainerListResponse c, string cluster)
    {
        var networks = c.NetworkSettings?.Networks ?? new Dictionary<string, EndpointSettings>();
        var endpoint = networks.TryGetValue(Network, out var onKind) ? onKind : networks.Values.FirstOrDefault();
        return new KindNode
        {
            Name = c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID[..12],
            Cluster = cluster,
            Role = c.Labels.TryGetValue(RoleLabel, out var role) ? role : "",
            ContainerId = c.ID,
            State = c.State,
            Image = c.Image,
            IPv4Address = string.IsNullOrEmpty(endpoint?.IPAddress) ? null : endpoint!.IPAddress,
            IPv6Address = string.IsNullOrEmpty(endpoint?.GlobalIPv6Address) ? null : endpoint!.GlobalIPv6Address,
        };
    }

    /// <summary>Fills the Kubernetes side of each node (name, labels, InternalIP, Pod CIDRs, Ready); warns and leaves them empty when the API is not reachable.</summary>
    public static async Task AttachKubernetesAsync(KindCluster cluster, IOperationObserver observer, CancellationToken ct)
    {
        IReadOnlyList<KubeNode> kubeNodes;
        try
        {
            var connection = KubeConnection.Resolve(cluster.KubeconfigPath, cluster.Context);
            kubeNodes = await KubeNodes.GetAsync(connection, null, ct).ConfigureAwait(false);
        }
        catch (BgpLabException e)
        {
            observer.Warning($"Kind cluster '{cluster.Name}': the Kubernetes API was not consulted ({e.Message})");
            return;
        }
        foreach (var node in cluster.Nodes)
        {
            var kube = kubeNodes.FirstOrDefault(k => k.Name == node.Name);
            if (kube is null) continue;
            node.KubeNodeName = kube.Name;
            node.Labels = kube.Labels;
            node.InternalIP = kube.InternalIP;
            node.PodCidrs = kube.PodCidrs;
            node.Ready = kube.Ready;
        }
    }

    /// <summary>
    /// Validates the config, refuses a name already in use, runs <c>kind create cluster</c> and returns the
    /// cluster as found afterwards (nodes with their Kubernetes side).
    /// </summary>
    public static async Task<KindCluster> CreateAsync(DockerEngine docker, KindCli kind, KindClusterConfig config, KindCreateOptions options,
        IOperationObserver observer, CancellationToken ct)
    {
        var effective = config.Clone();
        if (!string.IsNullOrEmpty(options.Name)) effective.Name = options.Name;
        var validation = KindConfigValidator.ThrowIfInvalid(effective);
        foreach (var warning in validation.Warnings) observer.Warning(warning);
        var name = effective.EffectiveName;
        var existing = await GetAsync(docker, name, options.Kubeconfig, ct).ConfigureAwait(false);
        if (existing.Count > 0)
            throw new BgpLabException($"A Kind cluster named '{name}' already exists (containers: {string.Join(", ", existing[0].Nodes.Select(n => n.Name))}).",
                "KindClusterExists", FailureKind.ResourceExists, name)
            {
                RecommendedAction = $"Remove it first (Remove-KindCluster -Name {name}) or choose another -Name.",
            };
        var yaml = KindConfigYaml.Write(effective, KindRenderTarget.ForImage(options.Image));
        observer.Verbose($"kind config:{Environment.NewLine}{yaml}");
        await kind.CreateClusterAsync(yaml, name, options.Image, options.Wait, options.Kubeconfig, options.Retain, observer, ct).ConfigureAwait(false);
        var created = (await GetAsync(docker, name, options.Kubeconfig, ct).ConfigureAwait(false)).FirstOrDefault()
                      ?? throw new BgpLabException($"kind reported success but no container of cluster '{name}' exists.", "KindClusterMissing", FailureKind.InvalidOperation, name);
        await AttachKubernetesAsync(created, observer, ct).ConfigureAwait(false);
        return created;
    }

    /// <summary>
    /// Deletes a cluster with <c>kind delete cluster</c> (containers and kubeconfig entries), then removes the
    /// kind network if no container is attached to it any more (kind itself keeps it). Idempotent: a cluster
    /// that does not exist is not an error. Returns false when there was nothing to remove.
    /// </summary>
    public static async Task<bool> RemoveAsync(DockerEngine docker, KindCli? kind, string name, string? kubeconfig, bool keepNetwork,
        IOperationObserver observer, CancellationToken ct)
    {
        var existing = await GetAsync(docker, name, kubeconfig, ct).ConfigureAwait(false);
        if (existing.Count == 0)
        {
            observer.Verbose($"Kind cluster '{name}' does not exist; nothing to remove.");
            KindKubeconfig.Remove(KindKubeconfig.DefaultPath(kubeconfig), KindKubeconfig.ContextName(name));
        }
        else
        {
            observer.Progress(new ProgressUpdate(1, $"Removing Kind cluster {name}", $"kind delete cluster --name {name}"));
            await (kind ?? new KindCli()).DeleteClusterAsync(name, kubeconfig, ct).ConfigureAwait(false);
            observer.Progress(new ProgressUpdate(1, $"Removing Kind cluster {name}", "done", 100, Completed: true));
        }
        if (!keepNetwork) await RemoveUnusedNetworkAsync(docker, observer, ct).ConfigureAwait(false);
        return existing.Count > 0;
    }

    private static async Task RemoveUnusedNetworkAsync(DockerEngine docker, IOperationObserver observer, CancellationToken ct)
    {
        var client = await docker.ConnectAsync(ct).ConfigureAwait(false);
        NetworkResponse network;
        try
        {
            network = await client.Networks.InspectNetworkAsync(Network, ct).ConfigureAwait(false);
        }
        catch (DockerNetworkNotFoundException)
        {
            return;
        }
        if (network.Containers is { Count: > 0 })
        {
            observer.Verbose($"Docker network '{Network}' is still used by {network.Containers.Count} container(s); kept.");
            return;
        }
        try
        {
            await client.Networks.DeleteNetworkAsync(network.ID, ct).ConfigureAwait(false);
            observer.Verbose($"Removed the unused Docker network '{Network}'.");
        }
        catch (DockerApiException e)
        {
            observer.Warning($"Docker network '{Network}' was not removed: {e.Message}");
        }
    }
}
