using System.Management.Automation;
using BgpLab.Engine.Frr;

namespace BgpLab.Frr;

/// <summary>
/// <para type="synopsis">Waits until BGP sessions of FRR routers reach a state (Established by default).</para>
/// </summary>
/// <remarks>
/// Polls <c>show bgp neighbors json</c> on every router (in parallel, once a second) until each given
/// neighbor — or every configured neighbor when -Neighbor is omitted — is in -State, showing progress.
/// Returns the sessions' FrrBgpNeighbor objects. On timeout it fails with an error that lists each session
/// still short of the state, with its last state and FRR's last reset reason.
/// </remarks>
/// <example>
/// <code>Wait-FrrBgpSession -Lab bgp-cplane-demo -Node tor0,tor1 -TimeoutSec 60</code>
/// <para>Returns once all sessions of both ToRs are Established.</para>
/// </example>
/// <example>
/// <code>Wait-FrrBgpSession -Lab bgp-cplane-demo -Node tor0 -Neighbor 10.0.1.2,10.0.2.2</code>
/// <para>Waits for the two node sessions of tor0 only.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Wait, "FrrBgpSession", DefaultParameterSetName = ContainerSet)]
[OutputType(typeof(FrrBgpNeighbor))]
public sealed class WaitFrrBgpSessionCommand : FrrRouterCmdlet
{
    /// <summary>The neighbors to wait for (address, interface or hostname); all configured ones when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Neighbor { get; set; }

    /// <summary>The state to wait for (a FrrBgpSessionState name).</summary>
    // A string, not the engine enum: an engine-typed value field would make module import load the
    // engine before its AssemblyLoadContext resolver is registered.
    [Parameter]
    [ValidateSet("Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established", "AdminShutdown", "PrefixLimitExceeded", "PolicyBlocked")]
    public string State { get; set; } = "Established";

    /// <summary>How long to wait, in seconds.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 120;

    /// <summary>The VRF (default: the default VRF; 'all' for every VRF).</summary>
    [Parameter]
    public string? Vrf { get; set; }

    protected override void ProcessRouters(IReadOnlyList<FrrRouterTarget> routers)
    {
        var state = Enum.Parse<FrrBgpSessionState>(State, ignoreCase: true);
        WriteObjects(Run((o, ct) => Client.WaitForSessionsAsync(routers, Neighbor, state, Vrf, TimeSpan.FromSeconds(TimeoutSec), o, ct)));
    }
}
