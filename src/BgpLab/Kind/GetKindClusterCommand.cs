using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Kind;

namespace BgpLab.Kind;

/// <summary>
/// <para type="synopsis">Gets the Kind clusters on the Docker engine, with their node containers and kubeconfig context.</para>
/// </summary>
/// <remarks>
/// <para type="description">Clusters are found as kind finds them: containers labelled io.x-k8s.kind.cluster=&lt;name&gt;. The kubeconfig path is where kind writes (-Kubeconfig, else KUBECONFIG, else ~/.kube/config) and the context is kind-&lt;name&gt;, so the result pipes into Get-KubeNode, Wait-KubeNode and the Cilium cmdlets.</para>
/// </remarks>
/// <example>
/// <code>Get-KindCluster</code>
/// <para>Lists every Kind cluster.</para>
/// </example>
/// <example>
/// <code>Get-KindCluster clab-bgp-cplane-demo | Get-KubeNode</code>
/// <para>Shows the Kubernetes nodes of the scenario's cluster.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "KindCluster")]
[OutputType(typeof(KindCluster))]
public sealed class GetKindClusterCommand : BgpLabCmdlet
{
    /// <summary>
    /// <para type="description">Cluster name(s); wildcards allowed.</para>
    /// </summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(KindClusterNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>
    /// <para type="description">The kubeconfig the clusters were created with (default: kind's: KUBECONFIG, else ~/.kube/config).</para>
    /// </summary>
    [Parameter]
    public string? Kubeconfig { get; set; }

    protected override void ProcessRecord()
    {
        var kubeconfig = Kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(Kubeconfig);
        var clusters = Run((_, ct) => KindClusters.GetAsync(DockerEngine.Default, null, kubeconfig, ct));
        WriteObjects(NameFilter.Apply(clusters, c => c.Name, Name, this, "KindClusterNotFound", "Kind cluster"));
    }
}
