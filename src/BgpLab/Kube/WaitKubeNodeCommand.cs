using System.Management.Automation;
using BgpLab.Engine.Kube;

namespace BgpLab.Kube;

/// <summary>
/// <para type="synopsis">Waits until Kubernetes nodes reach a condition (Ready by default), by watching the API server.</para>
/// </summary>
/// <remarks>
/// <para type="description">Lists the nodes once, then follows a watch from that resourceVersion until every selected node has the condition with the wanted status. On timeout the error lists each node's conditions (a cluster without CNI shows KubeletNotReady with the kubelet's message). Returns the nodes with -PassThru.</para>
/// </remarks>
/// <example>
/// <code>Get-KindCluster clab-bgp-cplane-demo | Wait-KubeNode -Condition Ready -TimeoutSec 300 -PassThru</code>
/// <para>Waits up to five minutes for all four nodes to become Ready (after Cilium is installed) and returns them.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Wait, "KubeNode")]
[OutputType(typeof(KubeNode))]
public sealed class WaitKubeNodeCommand : KubeCmdlet
{
    /// <summary>
    /// <para type="description">Node names to wait for (exact). Default: every node (matching -Selector).</para>
    /// </summary>
    [Parameter(Position = 0)]
    public string[]? Name { get; set; }

    /// <summary>
    /// <para type="description">Kubernetes label selector restricting the nodes waited for.</para>
    /// </summary>
    [Parameter]
    [Alias("LabelSelector")]
    public string? Selector { get; set; }

    /// <summary>
    /// <para type="description">Node condition type: Ready (default), MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable.</para>
    /// </summary>
    [Parameter]
    [ValidateSet("Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")]
    public string Condition { get; set; } = "Ready";

    /// <summary>
    /// <para type="description">The condition status to wait for: True (default) or False.</para>
    /// </summary>
    [Parameter]
    [ValidateSet("True", "False")]
    public string Status { get; set; } = "True";

    /// <summary>
    /// <para type="description">How long to wait, in seconds (default 300).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 300;

    /// <summary>
    /// <para type="description">Return the nodes once they reached the condition.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var connection = Connection;
        var nodes = Run((observer, ct) => KubeNodes.WaitAsync(connection, Name, Selector, Condition, Status, TimeSpan.FromSeconds(TimeoutSec), observer, ct));
        if (PassThru) WriteObjects(nodes);
    }
}
