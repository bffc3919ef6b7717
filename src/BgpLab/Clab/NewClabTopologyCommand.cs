using System.Collections;
using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Clab;

namespace BgpLab.Clab;

/// <summary>Builds a containerlab topology in memory.</summary>
/// <remarks>
/// New-ClabTopology creates a ClabTopology from nodes (New-ClabNode), links (New-ClabLink) and per-kind or
/// default settings, and works out each node's effective settings with containerlab's inheritance rules.
/// -Kind and -Defaults take hashtables keyed like the file (cmd, image, exec, env, binds, ...), read by the same
/// strict rules as a topology file. Export-ClabTopology writes the result as a file containerlab accepts.
/// </remarks>
/// <example>
/// <code>$r1 = New-ClabNode r1 -Kind linux -Image frrouting/frr:v8.2.2
/// $r2 = New-ClabNode r2 -Kind linux -Image frrouting/frr:v8.2.2
/// New-ClabTopology -Name demo -Node $r1, $r2 -Link (New-ClabLink r1:eth1 r2:eth1) -Kind @{ linux = @{ cmd = 'bash' } }</code>
/// <para>Builds a two-router lab in which every linux node runs bash.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "ClabTopology")]
[OutputType(typeof(ClabTopology))]
public sealed class NewClabTopologyCommand : BgpLabCmdlet
{
    /// <summary>The lab name (containers are named clab-NAME-NODE unless -Prefix says otherwise).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidatePattern("^[a-zA-Z0-9][a-zA-Z0-9-._]*$")]
    public string Name { get; set; } = "";

    /// <summary>Container name prefix: omit for "clab", "" for bare node names, "__lab-name" for LAB-NODE.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? Prefix { get; set; }

    /// <summary>Nodes of the topology (from New-ClabNode).</summary>
    [Parameter(Position = 1)]
    public ClabNode[] Node { get; set; } = [];

    /// <summary>Links of the topology (from New-ClabLink).</summary>
    [Parameter(Position = 2)]
    public ClabLinkDefinition[] Link { get; set; } = [];

    /// <summary>Per-kind settings: @{ linux = @{ cmd = 'bash' } }.</summary>
    [Parameter]
    public Hashtable? Kind { get; set; }

    /// <summary>Group settings: @{ routers = @{ kind = 'linux'; image = 'frr' } }.</summary>
    [Parameter]
    public Hashtable? Group { get; set; }

    /// <summary>Topology-wide default settings: @{ env = @{ TZ = 'UTC' } }.</summary>
    [Parameter]
    public Hashtable? Defaults { get; set; }

    /// <summary>Name of the management network (default clab).</summary>
    [Parameter]
    public string? MgmtNetwork { get; set; }

    /// <summary>IPv4 subnet of the management network (default 172.20.20.0/24).</summary>
    [Parameter]
    public string? MgmtIPv4Subnet { get; set; }

    protected override void EndProcessing()
    {
        var topology = Run((_, _) =>
        {
            var t = ClabTopologyBuilder.NewTopology(Name, MyInvocation.BoundParameters.ContainsKey(nameof(Prefix)) ? Prefix ?? "" : null, MgmtNetwork, MgmtIPv4Subnet);
            if (Defaults is not null) t.Defaults = ClabTopologyBuilder.SettingsFrom(ClabCmdletSupport.ToPlain(Defaults), "-Defaults");
            foreach (var (name, settings) in Levels(Kind, "-Kind")) t.Kinds[name] = settings;
            foreach (var (name, settings) in Levels(Group, "-Group")) t.Groups[name] = settings;
            foreach (var node in Node) ClabTopologyBuilder.AddNode(t, node);
            t.Links.AddRange(Link);
            ClabInheritance.Apply(t);
            return Task.FromResult(t);
        });
        WriteObject(topology);
    }

    private static IEnumerable<(string, ClabNodeSettings)> Levels(Hashtable? table, string parameter)
    {
        if (table is null) yield break;
        foreach (DictionaryEntry e in table)
        {
            var name = e.Key.ToString()!;
            if (ClabCmdletSupport.Unwrap(e.Value) is not IDictionary settings)
                throw new Engine.Common.BgpLabException($"{parameter} {name}: expected a hashtable of settings, like @{{ cmd = 'bash' }}.",
                    "ClabSettingsInvalid", Engine.Common.FailureKind.InvalidArgument, name);
            yield return (name, ClabTopologyBuilder.SettingsFrom(ClabCmdletSupport.ToPlain(settings), $"{parameter} {name}"));
        }
    }
}
