using System.Management.Automation;
using BgpLab.Engine.Frr;

namespace BgpLab.Frr;

/// <summary>
/// <para type="synopsis">Gets the BGP sessions of FRR routers, one object per neighbor and address family.</para>
/// </summary>
/// <remarks>
/// Runs <c>show bgp [vrf X] [ipv4|ipv6 unicast] summary json</c> through vtysh in each router (all routers at
/// once) and returns FrrBgpPeer objects: Router, LocalAs, RouterId, Neighbor (address, or interface for BGP
/// unnumbered), NeighborHostname, RemoteAs, State (Idle … Established, AdminShutdown, PolicyBlocked, …),
/// Uptime, PrefixesReceived, PrefixesSent, MessagesIn/Out, Description, Vrf, AddressFamily.
/// Routers are named by -Lab and -Node (containerlab labels), by -Container, or piped in.
/// </remarks>
/// <example>
/// <code>Get-FrrBgpSummary -Lab bgp-cplane-demo -Node tor0,tor1,router0</code>
/// <para>Shows every session of the three routers, like `show bgp summary wide` on each.</para>
/// </example>
/// <example>
/// <code>Get-FrrBgpSummary -Container clab-bgp-cplane-demo-tor0 -AddressFamily ipv4 | Where-Object State -ne Established</code>
/// <para>Lists the IPv4 sessions of tor0 that are not up.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "FrrBgpSummary", DefaultParameterSetName = ContainerSet)]
[OutputType(typeof(FrrBgpPeer))]
public sealed class GetFrrBgpSummaryCommand : FrrRouterCmdlet
{
    /// <summary>The VRF to show (default: the default VRF; 'all' for every VRF).</summary>
    [Parameter]
    public string? Vrf { get; set; }

    /// <summary>Only this address family (unicast): ipv4 or ipv6. Default: every family with sessions.</summary>
    [Parameter]
    [ValidateSet("ipv4", "ipv6")]
    public string? AddressFamily { get; set; }

    protected override void ProcessRouters(IReadOnlyList<FrrRouterTarget> routers) =>
        WriteResults(Run((o, ct) => FrrClient.ForEachRouterAsync(routers, (t, c) => Client.GetBgpSummaryAsync(t, Vrf, AddressFamily, c), ct)));
}
