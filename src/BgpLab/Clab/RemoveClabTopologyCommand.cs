using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Clab;

namespace BgpLab.Clab;

/// <summary>Removes a deployed lab: link ends in namespaces that outlive it, containers, the management network, the lab directory.</summary>
/// <remarks>
/// Finds the lab by its containers' labels (so labs deployed by containerlab are removed too). Interfaces the lab
/// put into namespaces it does not own (Kind nodes shared through network-mode container:x, ext-container
/// nodes) are deleted first, then the node containers, then the management network when it carries
/// containerlab's label and no other container uses it, then the lab directory. Removing a lab that is not
/// there does nothing. -WhatIf lists every item that would go.
/// </remarks>
/// <example>
/// <code>Remove-ClabTopology -Path ./topo.yaml -WhatIf</code>
/// <para>Lists exactly what removing the lab of topo.yaml would delete.</para>
/// </example>
/// <example>
/// <code>Get-ClabLab bgp-cplane-demo | Remove-ClabTopology</code>
/// <para>Removes the lab piped in.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "ClabTopology", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(ClabRemovalItem))]
public sealed class RemoveClabTopologyCommand : BgpLabCmdlet
{
    /// <summary>The topology file of the lab.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    /// <summary>The lab's name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Name")]
    [Alias("Lab")]
    [ArgumentCompleter(typeof(ClabLabNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>A lab from Get-ClabLab or Deploy-ClabTopology.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "InputObject", ValueFromPipeline = true)]
    public ClabLab? InputObject { get; set; }

    /// <summary>A topology object (from Import-ClabTopology).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Topology", ValueFromPipeline = true)]
    public ClabTopology? Topology { get; set; }

    /// <summary>How many containers are removed at once.</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int MaxWorkers { get; set; } = Math.Max(4, Environment.ProcessorCount);

    /// <summary>The kind executable that deletes the clusters of k8s-kind nodes (default: 'kind' on PATH).</summary>
    [Parameter]
    public string? KindPath { get; set; }

    /// <summary>The kubeconfig the k8s-kind clusters' contexts live in (default: KUBECONFIG, else ~/.kube/config).</summary>
    [Parameter]
    public string? Kubeconfig { get; set; }

    /// <summary>Write what was removed.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var topology = ParameterSetName switch
        {
            "Path" => Run((_, _) => Task.FromResult(ClabTopologyLoader.Load(ClabPaths.Resolve(this, [Path]).First()))),
            "Topology" => Topology,
            _ => null,
        };
        var lab = topology?.Name ?? InputObject?.Name ?? Name;
        var destroyer = new ClabDestroyer
        {
            KindPath = KindPath is null ? null : GetUnresolvedProviderPathFromPSPath(KindPath),
            Kubeconfig = Kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(Kubeconfig),
        };
        var plan = Run((_, ct) => destroyer.PlanAsync(lab, topology, ct));
        if (plan.Items.Count == 0)
        {
            WriteVerbose($"Lab '{lab}' is not deployed: nothing to remove.");
            return;
        }
        var approved = plan.Items.Where(i => ShouldProcess($"{i.Kind} {i.Name}" + (i.Detail is null ? "" : $" ({i.Detail})"), $"Remove (lab {lab})")).ToHashSet();
        if (approved.Count == 0) return;
        var removed = Run((observer, ct) => destroyer.ExecuteAsync(plan, MaxWorkers, observer, ct, approved.Contains));
        if (PassThru) WriteObjects(removed);
    }
}
