using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Clab;

namespace BgpLab.Clab;

/// <summary>Gets deployed Containerlab labs from the Docker engine's container labels.</summary>
/// <remarks>
/// Like containerlab inspect: labs are found by the containerlab label of their containers, so labs deployed
/// by containerlab itself are listed too. Each ClabLab carries its nodes and, from the lab directory's
/// topology-data.json, its links.
/// </remarks>
/// <example>
/// <code>Get-ClabLab</code>
/// <para>Lists every lab on the engine.</para>
/// </example>
/// <example>
/// <code>Get-ClabLab bgp-* | Select-Object -ExpandProperty Links</code>
/// <para>Shows the links of the labs whose names start with bgp-.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "ClabLab")]
[OutputType(typeof(ClabLab))]
public sealed class GetClabLabCommand : BgpLabCmdlet
{
    /// <summary>Lab names (wildcards allowed); all labs when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("Lab")]
    [ArgumentCompleter(typeof(ClabLabNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var labs = Run((_, ct) => new ClabInspector().GetLabsAsync(null, ct));
        if (Name is null || Name.Length == 0)
        {
            WriteObjects(labs);
            return;
        }
        foreach (var name in Name)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var matched = labs.Where(l => pattern.IsMatch(l.Name)).ToList();
            if (matched.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(new ErrorRecord(new ItemNotFoundException($"No lab named '{name}' is deployed (no container carries the label containerlab={name})."),
                    "ClabLabNotFound", ErrorCategory.ObjectNotFound, name));
            WriteObjects(matched);
        }
    }
}

/// <summary>Gets the nodes of deployed Containerlab labs: container, state, management addresses, network mode.</summary>
/// <remarks>
/// Nodes are found by container labels (clab-node-name, clab-node-kind, ...), so nodes of labs deployed by
/// containerlab itself are listed too. Pipe them into Invoke-ClabNodeCommand.
/// </remarks>
/// <example>
/// <code>Get-ClabNode -Lab bgp-cplane-demo -Node tor*</code>
/// <para>The lab's ToR nodes.</para>
/// </example>
/// <example>
/// <code>Get-ClabNode -All | Where-Object State -ne running</code>
/// <para>Nodes of any lab that are not running.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "ClabNode", DefaultParameterSetName = "Lab")]
[OutputType(typeof(ClabLabNode))]
public sealed class GetClabNodeCommand : BgpLabCmdlet
{
    /// <summary>The lab whose nodes to list.</summary>
    [Parameter(Position = 0, ParameterSetName = "Lab", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClabLabNameCompleter))]
    public string? Lab { get; set; }

    /// <summary>Node names (wildcards allowed); all nodes when omitted.</summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ClabNodeNameCompleter))]
    public string[]? Node { get; set; }

    /// <summary>Nodes of every lab.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "All")]
    public SwitchParameter All { get; set; }

    protected override void ProcessRecord()
    {
        var lab = All ? null : Lab;
        var nodes = Run((_, ct) => new ClabInspector().GetNodesAsync(lab, ct));
        if (lab is not null && nodes.Count == 0)
        {
            WriteError(new ErrorRecord(new ItemNotFoundException($"No lab named '{lab}' is deployed."), "ClabLabNotFound", ErrorCategory.ObjectNotFound, lab));
            return;
        }
        if (Node is null || Node.Length == 0)
        {
            WriteObjects(nodes);
            return;
        }
        foreach (var name in Node)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var matched = nodes.Where(n => pattern.IsMatch(n.Name)).ToList();
            if (matched.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(new ErrorRecord(new ItemNotFoundException($"Lab '{lab ?? "*"}' has no node named '{name}'."), "ClabNodeNotFound", ErrorCategory.ObjectNotFound, name));
            WriteObjects(matched);
        }
    }
}
