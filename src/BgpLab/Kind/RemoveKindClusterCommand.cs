using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Kind;

namespace BgpLab.Kind;

/// <summary>
/// <para type="synopsis">Deletes a Kind cluster (kind delete cluster) and, once unused, the kind Docker network. Removing a cluster that does not exist is not an error.</para>
/// </summary>
/// <remarks>
/// <para type="description">kind removes the node containers and the cluster's kubeconfig entries; kind itself keeps the 'kind' Docker network, so BgpLab removes it afterwards when no container is attached any more (-KeepNetwork keeps it). Without any such cluster nothing happens except stale kubeconfig entries being removed.</para>
/// </remarks>
/// <example>
/// <code>Remove-KindCluster -Name clab-bgp-cplane-demo</code>
/// <para>Deletes the scenario's cluster; no container or network is left.</para>
/// </example>
/// <example>
/// <code>Get-KindCluster | Remove-KindCluster -WhatIf</code>
/// <para>Shows which clusters would be deleted.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "KindCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveKindClusterCommand : BgpLabCmdlet
{
    /// <summary>
    /// <para type="description">Cluster name(s).</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KindClusterNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>
    /// <para type="description">The kubeconfig to remove the cluster's entries from (default: kind's).</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("KubeconfigPath")]
    public string? Kubeconfig { get; set; }

    /// <summary>
    /// <para type="description">The kind executable (default: 'kind' on PATH).</para>
    /// </summary>
    [Parameter]
    public string? KindPath { get; set; }

    /// <summary>
    /// <para type="description">Keep the 'kind' Docker network even when nothing uses it any more (kind's own behaviour).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter KeepNetwork { get; set; }

    protected override void ProcessRecord()
    {
        var kubeconfig = Kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(Kubeconfig);
        var kindPath = KindPath is null ? null : GetUnresolvedProviderPathFromPSPath(KindPath);
        foreach (var name in Name)
        {
            if (!ShouldProcess(name, "Delete Kind cluster")) continue;
            TryRun(async (observer, ct) =>
            {
                var exists = (await KindClusters.GetAsync(DockerEngine.Default, name, kubeconfig, ct).ConfigureAwait(false)).Count > 0;
                return await KindClusters.RemoveAsync(DockerEngine.Default, exists ? new KindCli(kindPath) : null, name, kubeconfig, KeepNetwork, observer, ct).ConfigureAwait(false);
            }, out _);
        }
    }
}
