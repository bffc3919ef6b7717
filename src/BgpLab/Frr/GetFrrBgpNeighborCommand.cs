using System.Management.Automation;
using BgpLab.Engine.Frr;

namespace BgpLab.Frr;

/// <summary>
/// <para type="synopsis">Gets BGP neighbors of FRR routers in detail: timers, capabilities, last reset reason.</para>
/// </summary>
/// <remarks>
/// Runs <c>show bgp [vrf X] neighbors json</c> in each router and returns FrrBgpNeighbor objects — what is
/// needed to see why a session is not up: State, LastResetReason, HoldTime/KeepaliveInterval (negotiated and
/// configured), Capabilities, per-family prefix counters, local/foreign host.
/// </remarks>
/// <example>
/// <code>Get-FrrBgpNeighbor -Lab bgp-cplane-demo -Node tor0 -Neighbor 10.0.1.2 | Format-List</code>
/// <para>Everything tor0 knows about its session to 10.0.1.2.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "FrrBgpNeighbor", DefaultParameterSetName = ContainerSet)]
[OutputType(typeof(FrrBgpNeighbor))]
public sealed class GetFrrBgpNeighborCommand : FrrRouterCmdlet
{
    /// <summary>Only these neighbors: address, interface (unnumbered) or hostname.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Neighbor { get; set; }

    /// <summary>The VRF (default: the default VRF; 'all' for every VRF).</summary>
    [Parameter]
    public string? Vrf { get; set; }

    protected override void ProcessRouters(IReadOnlyList<FrrRouterTarget> routers)
    {
        var wanted = Neighbor;
        WriteResults(Run((o, ct) => FrrClient.ForEachRouterAsync(routers, async (t, c) =>
        {
            var all = await Client.GetBgpNeighborsAsync(t, Vrf, c).ConfigureAwait(false);
            return all.Where(n => FrrClient.Matches(n, wanted)).ToList();
        }, ct)));
    }
}
