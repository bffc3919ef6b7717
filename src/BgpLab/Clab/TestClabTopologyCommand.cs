using System.Collections;
using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Clab;

namespace BgpLab.Clab;

/// <summary>Validates a containerlab topology against containerlab's schema and BgpLab's semantic rules.</summary>
/// <remarks>
/// Test-ClabTopology checks a topology file against containerlab's own JSON schema (v0.79.0, embedded in the
/// module), reads it as containerlab's strict loader would, and applies rules the schema cannot express:
/// a link to a node that does not exist (UnknownLinkNode), an endpoint used by two links (DuplicateEndpoint) or two
/// interfaces of one name in a shared network namespace (NamespaceInterfaceClash), interface names longer than 15 characters
/// (InterfaceNameTooLong), network-mode container: references that form a loop (NetworkModeLoop), duplicate
/// node names, ports or mgmt addresses on a node that shares another container's namespace, and a note for
/// network-mode targets outside the topology (ExternalNetworkModeContainer, severity Information).
/// Each finding carries the file, line, column, severity, rule id and a message. With -Quiet the cmdlet returns
/// only $true (no errors) or $false. A ClabTopology piped in (for example one built with New-ClabTopology) is
/// checked in memory: the semantic rules on the object and the schema on its exported YAML.
/// </remarks>
/// <example>
/// <code>Test-ClabTopology -Path ../shared/scenario/topo.yaml</code>
/// <para>Lists the findings for the reference topology (four notes about the Kind node containers it joins).</para>
/// </example>
/// <example>
/// <code>if (-not (Test-ClabTopology ./topo.yaml -Quiet)) { throw 'fix the topology first' }</code>
/// <para>Uses the Boolean result in a script.</para>
/// </example>
/// <example>
/// <code>Import-ClabTopology ./topo.yaml | Test-ClabTopology | Where-Object Severity -eq Error</code>
/// <para>Checks an imported topology object and keeps the errors.</para>
/// </example>
// Topology is the default set so a piped ClabTopology binds by value rather than its Path property binding -Path.
[Cmdlet(VerbsDiagnostic.Test, "ClabTopology", DefaultParameterSetName = TopologySet)]
[OutputType(typeof(ClabTopologyFinding))]
[OutputType(typeof(bool))]
public sealed class TestClabTopologyCommand : BgpLabCmdlet
{
    private const string PathSet = "Path";
    private const string TopologySet = "Topology";

    /// <summary>Path of the topology file (wildcards allowed). Binds from FullName of files piped in.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [Alias("FullName", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>A topology object (from Import-ClabTopology or New-ClabTopology) to check in memory.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = TopologySet)]
    public ClabTopology? Topology { get; set; }

    /// <summary>Environment variables for ${VAR} expansion, over the process environment ($null unsets one).</summary>
    [Parameter(ParameterSetName = PathSet)]
    public Hashtable? Environment { get; set; }

    /// <summary>Return only $true when there is no finding of severity Error, else $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == TopologySet)
        {
            var topology = Topology!;
            Emit(Run((_, _) => Task.FromResult(ClabTopologyValidator.Validate(topology))));
            return;
        }
        var environment = ClabCmdletSupport.Environment(Environment);
        foreach (var file in ClabPaths.Resolve(this, Path))
        {
            WriteVerbose($"Validating {file}");
            Emit(Run((_, _) => Task.FromResult(ClabTopologyValidator.ValidateFile(file, environment))));
        }
    }

    private void Emit(IReadOnlyList<ClabTopologyFinding> findings)
    {
        if (Quiet) WriteObject(findings.All(f => f.Severity != ClabFindingSeverity.Error));
        else WriteObjects(findings);
    }
}
