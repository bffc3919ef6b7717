using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Clab;

namespace BgpLab.Clab;

/// <summary>Exports a lab's graph as Mermaid, Graphviz DOT or a self-contained HTML page.</summary>
/// <remarks>
/// The counterpart of containerlab graph. From a deployed lab (-Lab or pipeline) the graph shows node states;
/// from a topology file (-Path) or object (-Topology) it is drawn offline. Links carry their interface names.
/// Writes the text to the pipeline, or to -OutFile (returning the file).
/// </remarks>
/// <example>
/// <code>Export-ClabGraph -Lab bgp-cplane-demo -Format Mermaid</code>
/// <para>The running lab as a Mermaid flowchart.</para>
/// </example>
/// <example>
/// <code>Export-ClabGraph -Path ./topo.yaml -Format Html -OutFile lab.html</code>
/// <para>Draws the topology file, without deploying it, into one HTML file.</para>
/// </example>
[Cmdlet(VerbsData.Export, "ClabGraph", SupportsShouldProcess = true, DefaultParameterSetName = "Lab")]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class ExportClabGraphCommand : BgpLabCmdlet
{
    /// <summary>A deployed lab's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Lab", ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClabLabNameCompleter))]
    public string Lab { get; set; } = "";

    /// <summary>A topology file, drawn without deploying it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Path")]
    public string Path { get; set; } = "";

    /// <summary>A topology object, drawn without deploying it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Topology", ValueFromPipeline = true)]
    public ClabTopology? Topology { get; set; }

    /// <summary>Mermaid (default), Dot or Html.</summary>
    [Parameter]
    [ValidateSet("Mermaid", "Dot", "Html")]
    public string Format { get; set; } = "Mermaid";

    /// <summary>Write to this file instead of the pipeline.</summary>
    [Parameter]
    public string? OutFile { get; set; }

    protected override void ProcessRecord()
    {
        ClabGraph graph;
        switch (ParameterSetName)
        {
            case "Path":
                graph = ClabGraph.FromTopology(Run((_, _) => Task.FromResult(ClabTopologyLoader.Load(ClabPaths.Resolve(this, [Path]).First()))));
                break;
            case "Topology":
                graph = ClabGraph.FromTopology(Topology!);
                break;
            default:
                var lab = Lab;
                var found = Run((_, ct) => new ClabInspector().GetLabAsync(lab, ct));
                if (found is null)
                {
                    WriteError(new ErrorRecord(new ItemNotFoundException($"No lab named '{lab}' is deployed."), "ClabLabNotFound", ErrorCategory.ObjectNotFound, lab));
                    return;
                }
                graph = ClabGraph.FromLab(found);
                break;
        }
        var text = Format switch
        {
            "Dot" => graph.ToDot(),
            "Html" => graph.ToHtml(),
            _ => graph.ToMermaid(),
        };
        if (OutFile is null)
        {
            WriteObject(text);
            return;
        }
        var file = GetUnresolvedProviderPathFromPSPath(OutFile);
        if (!ShouldProcess(file, $"Write the {Format} graph of {graph.Name}")) return;
        File.WriteAllText(file, text);
        WriteObject(new FileInfo(file));
    }
}
