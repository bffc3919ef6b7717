using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Kind;

namespace BgpLab.Kind;

/// <summary>
/// <para type="synopsis">Gets the nodes of Kind clusters: container, role, addresses, and from the Kubernetes API the node's labels, Pod CIDRs and readiness.</para>
/// </summary>
/// <remarks>
/// <para type="description">Each node is a container (name, role, state, IPv4/IPv6 on the kind network). When the cluster's API server answers, the Kubernetes node of the same name adds KubeNodeName, Labels, InternalIP, PodCidrs and Ready; otherwise a warning says why they are empty.</para>
/// </remarks>
/// <example>
/// <code>Get-KindNode -Cluster clab-bgp-cplane-demo</code>
/// <para>The four nodes of the scenario with their rack labels, node IPs 10.0.x.2 and Pod CIDRs 10.1.x.0/24.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "KindNode")]
[OutputType(typeof(KindNode))]
public sealed class GetKindNodeCommand : BgpLabCmdlet
{
    /// <summary>
    /// <para type="description">Cluster name(s); wildcards allowed; default all. Binds Name of piped KindCluster objects.</para>
    /// </summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ClusterName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(KindClusterNameCompleter))]
    public string[]? Cluster { get; set; }

    /// <summary>
    /// <para type="description">Node (container) name(s); wildcards allowed.</para>
    /// </summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>
    /// <para type="description">The kubeconfig the clusters were created with (default: kind's).</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("KubeconfigPath")]
    public string? Kubeconfig { get; set; }

    protected override void ProcessRecord()
    {
        var kubeconfig = Kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(Kubeconfig);
        var clusters = Run((_, ct) => KindClusters.GetAsync(DockerEngine.Default, null, kubeconfig, ct));
        foreach (var cluster in NameFilter.Apply(clusters, c => c.Name, Cluster, this, "KindClusterNotFound", "Kind cluster"))
        {
            Run((observer, ct) => KindClusters.AttachKubernetesAsync(cluster, observer, ct));
            WriteObjects(NameFilter.Apply(cluster.Nodes, n => n.Name, Name, this, "KindNodeNotFound", $"node in Kind cluster '{cluster.Name}'"));
        }
    }
}
