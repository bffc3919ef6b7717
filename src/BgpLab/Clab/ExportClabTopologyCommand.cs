using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Clab;
using BgpLab.Engine.Common;

namespace BgpLab.Clab;

/// <summary>Writes a ClabTopology as a containerlab topology file (or returns the YAML text).</summary>
/// <remarks>
/// Export-ClabTopology writes the topology as YAML that containerlab accepts and that Import-ClabTopology reads
/// back into the same topology: the defaults, kinds and groups as given, each node's own settings (inheritance
/// stays in the file rather than being flattened), and links in their brief or extended form. Strings YAML would
/// read as something else (yes, 1, null) are quoted. Without -Path the YAML text is returned. An existing file
/// is replaced unless -NoClobber is given; -WhatIf shows what would be written.
/// </remarks>
/// <example>
/// <code>Import-ClabTopology ./topo.yaml | Export-ClabTopology</code>
/// <para>Shows the YAML BgpLab would write for a topology.</para>
/// </example>
/// <example>
/// <code>New-ClabTopology demo -Node (New-ClabNode r1 -Kind linux -Image alpine) | Export-ClabTopology -Path ./demo.clab.yml -PassThru | Import-ClabTopology</code>
/// <para>Writes a built topology to a file and reads it back.</para>
/// </example>
[Cmdlet(VerbsData.Export, "ClabTopology", SupportsShouldProcess = true)]
[OutputType(typeof(string))]
[OutputType(typeof(FileInfo))]
public sealed class ExportClabTopologyCommand : BgpLabCmdlet
{
    /// <summary>The topology to write.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public ClabTopology? Topology { get; set; }

    /// <summary>The file to write; without it the YAML text is output.</summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    /// <summary>Do not replace an existing file.</summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <summary>Output the written file (a FileInfo, which pipes into Import-ClabTopology).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var topology = Topology!;
        if (Path is null)
        {
            WriteObject(Run((_, _) => Task.FromResult(ClabTopologyWriter.ToYaml(topology))));
            return;
        }
        var file = ClabPaths.ForWriting(this, Path);
        if (NoClobber && File.Exists(file))
        {
            ThrowTerminating(new BgpLabException($"{file} exists and -NoClobber was given.", "ClabTopologyFileExists", FailureKind.ResourceExists, file));
        }
        if (!ShouldProcess(file, $"Write topology '{topology.Name}' ({topology.Nodes.Count} nodes, {topology.Links.Count} links)")) return;
        Run((_, ct) => ClabTopologyWriter.WriteAsync(topology, file, ct));
        if (PassThru) WriteObject(new FileInfo(file));
    }
}
