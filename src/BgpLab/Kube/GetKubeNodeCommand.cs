using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Kube;

namespace BgpLab.Kube;

/// <summary>
/// <para type="synopsis">Gets the Kubernetes nodes of a cluster: name, labels, InternalIP, Pod CIDRs, readiness, taints.</para>
/// </summary>
/// <remarks>
/// <para type="description">Reads the Node objects from the Kubernetes API server of the given kubeconfig and context (or of a piped Kind cluster). -Name filters by node name (wildcards allowed), -Selector by label selector (rack=rack0).</para>
/// </remarks>
/// <example>
/// <code>Get-KindCluster clab-bgp-cplane-demo | Get-KubeNode</code>
/// <para>Lists the four nodes of the scenario's cluster with their rack labels, node IPs and Pod CIDRs.</para>
/// </example>
/// <example>
/// <code>Get-KubeNode -Context kind-clab-bgp-cplane-demo -Selector rack=rack1</code>
/// <para>Lists the nodes labelled rack=rack1.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "KubeNode")]
[OutputType(typeof(KubeNode))]
public sealed class GetKubeNodeCommand : KubeCmdlet
{
    /// <summary>
    /// <para type="description">Node name(s); wildcards allowed. Default: all nodes.</para>
    /// </summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>
    /// <para type="description">Kubernetes label selector, e.g. rack=rack0 or 'rack in (rack0,rack1)'.</para>
    /// </summary>
    [Parameter]
    [Alias("LabelSelector")]
    public string? Selector { get; set; }

    protected override void ProcessRecord()
    {
        var connection = Connection;
        var nodes = Run((_, ct) => KubeNodes.GetAsync(connection, Selector, ct));
        WriteObjects(NameFilter.Apply(nodes, n => n.Name, Name, this, "KubeNodeNotFound", "node"));
    }
}
