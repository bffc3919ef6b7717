using System.Collections;
using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Clab;

namespace BgpLab.Clab;

/// <summary>Creates a containerlab node definition in memory.</summary>
/// <remarks>
/// New-ClabNode returns a ClabNode with the settings given (its own settings). Pass nodes to New-ClabTopology,
/// which applies the kind, group and default settings to work out each node's effective settings. Settings
/// without a parameter of their own can be given with -Setting, keyed like the file (for example
/// @{ 'startup-delay' = 5; sysctls = @{ 'net.ipv4.ip_forward' = '1' } }).
/// </remarks>
/// <example>
/// <code>New-ClabNode -Name server0 -Kind linux -Image nicolaka/netshoot:latest -NetworkMode container:control-plane -Exec 'ip addr add 10.0.1.2/24 dev net0'</code>
/// <para>Creates a node that shares the network namespace of the Kind node container.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "ClabNode")]
[OutputType(typeof(ClabNode))]
public sealed class NewClabNodeCommand : BgpLabCmdlet
{
    /// <summary>The node name (letters, digits, - . _ |; starts with a letter or digit).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[a-zA-Z0-9][a-zA-Z0-9-._|]*$")]
    public string Name { get; set; } = "";

    /// <summary>The containerlab kind, e.g. linux, bridge, ext-container.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Kind { get; set; }

    /// <summary>The container image.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Image { get; set; }

    /// <summary>The group whose settings the node inherits.</summary>
    [Parameter]
    public string? Group { get; set; }

    /// <summary>The container command (a string, as in the file).</summary>
    [Parameter]
    public string? Cmd { get; set; }

    /// <summary>host, none, or container:NAME to share another container's network namespace.</summary>
    [Parameter]
    public string? NetworkMode { get; set; }

    /// <summary>Commands run in the node after its links exist.</summary>
    [Parameter]
    public string[]? Exec { get; set; }

    /// <summary>Bind mounts, host-path:container-path[:options].</summary>
    [Parameter]
    public string[]? Bind { get; set; }

    /// <summary>Environment variables of the container.</summary>
    [Parameter]
    public Hashtable? Env { get; set; }

    /// <summary>Container labels.</summary>
    [Parameter]
    public Hashtable? Label { get; set; }

    /// <summary>Any other node settings, keyed like the file.</summary>
    [Parameter]
    public Hashtable? Setting { get; set; }

    protected override void ProcessRecord()
    {
        var node = Run((_, _) =>
        {
            var n = ClabTopologyBuilder.NewNode(Name, Kind, Image, Group, Cmd, NetworkMode, Exec, Bind,
                ClabCmdletSupport.ToStringMap(Env), ClabCmdletSupport.ToStringMap(Label));
            if (Setting is not null)
            {
                var extra = ClabTopologyBuilder.SettingsFrom(ClabCmdletSupport.ToPlain(Setting), $"-Setting of node {Name}");
                n.Own = Overlay(n.Own, extra);
                n.Effective = n.Own.Clone();
            }
            return Task.FromResult(n);
        });
        WriteObject(node);
    }

    /// <summary>The parameters win over -Setting for the same key.</summary>
    private static ClabNodeSettings Overlay(ClabNodeSettings own, ClabNodeSettings extra)
    {
        var merged = extra.Clone();
        foreach (var property in typeof(ClabNodeSettings).GetProperties())
        {
            if (property.Name == nameof(ClabNodeSettings.Extra) || !property.CanWrite) continue;
            var value = property.GetValue(own);
            if (value is not null) property.SetValue(merged, value);
        }
        return merged;
    }
}
