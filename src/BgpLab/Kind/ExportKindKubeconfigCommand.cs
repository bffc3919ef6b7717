using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Kind;

namespace BgpLab.Kind;

/// <summary>
/// <para type="synopsis">Writes a Kind cluster's kubeconfig (from 'kind get kubeconfig') into a kubeconfig file and returns the cluster pointing at it.</para>
/// </summary>
/// <remarks>
/// <para type="description">The cluster, user and context kind-&lt;name&gt; are merged into -Path (default: kind's kubeconfig) and made current; other entries stay. -Internal writes the address usable from containers on the kind network (https://&lt;cluster&gt;-control-plane:6443).</para>
/// </remarks>
/// <example>
/// <code>Export-KindKubeconfig -Name clab-bgp-cplane-demo -Path ./demo.kubeconfig | Get-KubeNode</code>
/// <para>Writes the cluster's credentials to ./demo.kubeconfig and lists its nodes through it.</para>
/// </example>
[Cmdlet(VerbsData.Export, "KindKubeconfig", SupportsShouldProcess = true)]
[OutputType(typeof(KindCluster))]
public sealed class ExportKindKubeconfigCommand : BgpLabCmdlet
{
    /// <summary>
    /// <para type="description">Cluster name.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KindClusterNameCompleter))]
    public string Name { get; set; } = null!;

    /// <summary>
    /// <para type="description">The kubeconfig file to write (created if missing; default: KUBECONFIG, else ~/.kube/config).</para>
    /// </summary>
    [Parameter(Position = 1)]
    public string? Path { get; set; }

    /// <summary>
    /// <para type="description">Use the cluster-internal API server address (for clients inside the kind network).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Internal { get; set; }

    /// <summary>
    /// <para type="description">The kind executable (default: 'kind' on PATH).</para>
    /// </summary>
    [Parameter]
    public string? KindPath { get; set; }

    protected override void ProcessRecord()
    {
        var path = KindKubeconfig.DefaultPath(Path is null ? null : GetUnresolvedProviderPathFromPSPath(Path));
        if (!ShouldProcess(path, $"Write the kubeconfig of Kind cluster '{Name}'")) return;
        var kindPath = KindPath is null ? null : GetUnresolvedProviderPathFromPSPath(KindPath);
        var cluster = Run(async (_, ct) =>
        {
            var yaml = await new KindCli(kindPath).GetKubeconfigAsync(Name, Internal, ct).ConfigureAwait(false);
            KindKubeconfig.Merge(path, yaml);
            return (await KindClusters.GetAsync(DockerEngine.Default, Name, path, ct).ConfigureAwait(false)).FirstOrDefault();
        });
        if (cluster is not null) WriteObject(cluster);
    }
}
