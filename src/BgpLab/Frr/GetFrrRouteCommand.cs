using System.Management.Automation;
using BgpLab.Engine.Frr;

namespace BgpLab.Frr;

/// <summary>
/// <para type="synopsis">Gets the routing table (zebra RIB) of FRR routers.</para>
/// </summary>
/// <remarks>
/// Runs <c>show ip route [vrf X] json</c> (or <c>show ipv6 route json</c>) in each router and returns FrrRoute
/// objects: Prefix, Protocol (connected, kernel, static, bgp, …), IsSelected, IsInstalled (in the kernel
/// FIB), Distance, Metric and NextHops — to see whether a BGP route made it into forwarding.
/// </remarks>
/// <example>
/// <code>Get-FrrRoute -Lab bgp-cplane-demo -Node router0 -Protocol bgp</code>
/// <para>The BGP routes router0 installed.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "FrrRoute", DefaultParameterSetName = ContainerSet)]
[OutputType(typeof(FrrRoute))]
public sealed class GetFrrRouteCommand : FrrRouterCmdlet
{
    /// <summary>Only these prefixes (exact match).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Prefix { get; set; }

    /// <summary>Only routes of these protocols (connected, kernel, static, bgp, …).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Protocol { get; set; }

    /// <summary>The VRF (default: the default VRF; 'all' for every VRF).</summary>
    [Parameter]
    public string? Vrf { get; set; }

    /// <summary>ipv4 (default) or ipv6.</summary>
    [Parameter]
    [ValidateSet("ipv4", "ipv6")]
    public string? AddressFamily { get; set; }

    protected override void ProcessRouters(IReadOnlyList<FrrRouterTarget> routers)
    {
        var prefixes = FrrPrefixArgument.Parse(Prefix, this);
        var protocols = Protocol;
        WriteResults(Run((o, ct) => FrrClient.ForEachRouterAsync(routers, async (t, c) =>
        {
            var rib = await Client.GetRibAsync(t, Vrf, AddressFamily, c).ConfigureAwait(false);
            return rib.Where(r => (prefixes is null || prefixes.Contains(r.Prefix))
                                  && (protocols is null || protocols.Contains(r.Protocol ?? "", StringComparer.OrdinalIgnoreCase))).ToList();
        }, ct)));
    }
}
