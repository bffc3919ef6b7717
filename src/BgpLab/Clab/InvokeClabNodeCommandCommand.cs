using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Clab;
using BgpLab.Engine.Common;

namespace BgpLab.Clab;

/// <summary>Runs a command (an argv array, no shell) in a lab node and returns its output and exit code.</summary>
/// <remarks>
/// The command runs through the Docker engine's exec API as root, like containerlab's exec: no shell is involved,
/// so pass each argument separately (use bash,-c,'...' when a shell is wanted). The result carries stdout,
/// stderr, the exit code and the duration; a non-zero exit code is not an error.
/// </remarks>
/// <example>
/// <code>Invoke-ClabNodeCommand -Lab bgp-cplane-demo -Node tor0 -Command vtysh,-c,'show bgp summary'</code>
/// <para>Shows tor0's BGP summary.</para>
/// </example>
/// <example>
/// <code>Get-ClabNode bgp-cplane-demo server* | Invoke-ClabNodeCommand -Command ip,-br,addr</code>
/// <para>Lists the addresses on every server node.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "ClabNodeCommand", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ClabNodeCommandResult))]
public sealed class InvokeClabNodeCommandCommand : BgpLabCmdlet
{
    /// <summary>The lab of the node.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClabLabNameCompleter))]
    public string Lab { get; set; } = "";

    /// <summary>The node's name in the topology (e.g. tor0).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(ClabNodeNameCompleter))]
    public string Node { get; set; } = "";

    /// <summary>The command and its arguments, one element each.</summary>
    [Parameter(Mandatory = true, Position = 2)]
    public string[] Command { get; set; } = [];

    /// <summary>The user to run as (default root, like containerlab's exec).</summary>
    [Parameter]
    public string User { get; set; } = "0";

    protected override void ProcessRecord()
    {
        if (!ShouldProcess($"{Lab}/{Node}", Engine.Docker.ArgvText.Join(Command))) return;
        var argv = Command;
        var user = User;
        var lab = Lab;
        var node = Node;
        if (TryRun(async (_, ct) =>
            {
                var nodes = await new ClabInspector().GetNodesAsync(lab, ct).ConfigureAwait(false);
                var target = nodes.FirstOrDefault(n => n.Name == node)
                             ?? throw new BgpLabException($"Lab '{lab}' has no node named '{node}'{(nodes.Count == 0 ? $" (no lab '{lab}' is deployed)" : "")}.",
                                 "ClabNodeNotFound", FailureKind.ObjectNotFound, $"{lab}/{node}");
                var r = await Engine.Docker.DockerEngine.Default.ExecAsync(target.ContainerName, argv, ct, user: user).ConfigureAwait(false);
                return ClabNodeCommandResult.From(lab, node, r);
            }, out var result))
            WriteObject(result);
    }
}
