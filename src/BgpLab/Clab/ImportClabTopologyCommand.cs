using System.Collections;
using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Clab;

namespace BgpLab.Clab;

/// <summary>Reads a containerlab topology file into a ClabTopology object.</summary>
/// <remarks>
/// Import-ClabTopology reads a topology file exactly as containerlab does: it expands environment variables
/// (${VAR}, ${VAR:=default}, ${VAR:-x}, $$ for a literal $; unset variables without a default stay as $VAR),
/// reads the YAML strictly (an unknown key is an error), and works out every node's effective settings after
/// containerlab's inheritance: topology defaults, then kinds, then groups, then the node itself. Scalars take the
/// most specific level that sets them, maps merge per key, and lists are concatenated and de-duplicated.
/// Both link forms (brief endpoints: ["a:eth1","b:eth1"] and the extended type: veth form) are read, and each
/// node's ClabNode.ContainerName is the container name containerlab would use (clab-lab-node, or per the prefix).
/// Invalid input is a terminating error whose message starts with file:line:column; that includes the link checks
/// containerlab itself makes before deploying (a link to an unknown node, an endpoint used twice). Test-ClabTopology
/// reports every problem without stopping. Go templates
/// ({{ ... }} with _vars files) are not rendered.
/// </remarks>
/// <example>
/// <code>Import-ClabTopology -Path ../shared/scenario/topo.yaml</code>
/// <para>Reads the reference lab's topology and shows its name, node and link counts.</para>
/// </example>
/// <example>
/// <code>(Import-ClabTopology ./topo.yaml).Nodes | Format-Table Name, Kind, Image, NetworkMode, ContainerName</code>
/// <para>Shows every node's effective settings after inheritance.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem ./labs -Filter *.clab.yml -Recurse | Import-ClabTopology -Environment @{ IMAGE_TAG = 'v1' }</code>
/// <para>Imports several files from the pipeline with an extra environment variable for ${IMAGE_TAG}.</para>
/// </example>
[Cmdlet(VerbsData.Import, "ClabTopology")]
[OutputType(typeof(ClabTopology))]
public sealed class ImportClabTopologyCommand : BgpLabCmdlet
{
    /// <summary>Path of the topology file (wildcards allowed). Binds from FullName of files piped in.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Environment variables for ${VAR} expansion, over the process environment ($null unsets one).</summary>
    [Parameter]
    public Hashtable? Environment { get; set; }

    protected override void ProcessRecord()
    {
        var environment = ClabCmdletSupport.Environment(Environment);
        foreach (var file in ClabPaths.Resolve(this, Path))
        {
            WriteVerbose($"Reading {file}");
            WriteObject(Run((_, _) => Task.FromResult(ClabTopologyLoader.Load(file, environment))));
        }
    }
}
