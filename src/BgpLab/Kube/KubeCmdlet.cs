using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Kube;

namespace BgpLab.Kube;

/// <summary>
/// Base of every cmdlet that talks to a Kubernetes API server: the shared -Kubeconfig / -Context
/// parameters (also bound by property name from a piped KindCluster, whose KubeconfigPath and Context
/// say where it is) and the one connection they resolve to (one client per context, reused).
/// </summary>
public abstract class KubeCmdlet : BgpLabCmdlet
{
    /// <summary>
    /// <para type="description">Kubeconfig file to use. Default: the files in KUBECONFIG, else ~/.kube/config. A piped KindCluster supplies its own.</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("KubeconfigPath")]
    public string? Kubeconfig { get; set; }

    /// <summary>
    /// <para type="description">Kubeconfig context to use. Default: the kubeconfig's current-context. A piped KindCluster supplies kind-&lt;name&gt;.</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    public string? Context { get; set; }

    /// <summary>The connection for the current -Kubeconfig/-Context (re-resolved per pipeline object, cached by the engine).</summary>
    protected KubeConnection Connection
    {
        get
        {
            try
            {
                return KubeConnection.Resolve(Kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(Kubeconfig), Context);
            }
            catch (Exception e)
            {
                throw Wrap(e);
            }
        }
    }
}
