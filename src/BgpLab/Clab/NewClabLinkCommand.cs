using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Clab;

namespace BgpLab.Clab;

/// <summary>Creates a containerlab link between two node:interface endpoints.</summary>
/// <remarks>
/// New-ClabLink returns a brief-form link definition (endpoints: ["a:eth1", "b:eth1"]) for New-ClabTopology.
/// Each endpoint is split on its first colon into node and interface, as containerlab does; a node name of
/// host, mgmt-net or macvlan makes it containerlab's special link to the host.
/// </remarks>
/// <example>
/// <code>New-ClabLink router0:net0 tor0:net0</code>
/// <para>Links interface net0 of router0 with net0 of tor0.</para>
/// </example>
/// <example>
/// <code>New-ClabLink -Endpoint r1:eth1, r2:eth1 -Mtu 1500</code>
/// <para>The same with an explicit MTU (containerlab's default for veth links is 9500).</para>
/// </example>
[Cmdlet(VerbsCommon.New, "ClabLink")]
[OutputType(typeof(ClabLinkDefinition))]
public sealed class NewClabLinkCommand : BgpLabCmdlet
{
    /// <summary>The two endpoints, each node:interface.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromRemainingArguments = true)]
    [ValidateCount(2, 2)]
    public string[] Endpoint { get; set; } = [];

    /// <summary>MTU of the link.</summary>
    [Parameter]
    [ValidateRange(68, 65535)]
    public int? Mtu { get; set; }

    protected override void ProcessRecord() =>
        WriteObject(Run((_, _) => Task.FromResult(ClabTopologyBuilder.NewLink(Endpoint[0], Endpoint[1], Mtu))));
}
