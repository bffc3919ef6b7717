using System.Management.Automation;
using BgpLab.Engine.Frr;

namespace BgpLab.Frr;

/// <summary>
/// <para type="synopsis">Waits until FRR routers' BGP tables hold given prefixes or a number of prefixes.</para>
/// </summary>
/// <remarks>
/// Polls the BGP table of every router (in parallel, once a second) until each router has a best path for
/// every -Prefix and at least -Count prefixes with a best path, showing progress. Returns the best paths (of the
/// given prefixes, or all). On timeout it fails with an error saying, per router, what is missing.
/// </remarks>
/// <example>
/// <code>Wait-FrrBgpRoute -Lab bgp-cplane-demo -Node router0 -Count 12 -TimeoutSec 60</code>
/// <para>Returns once router0 has 12 prefixes (the fabric's 8 plus the four Pod CIDRs).</para>
/// </example>
/// <example>
/// <code>Wait-FrrBgpRoute -Lab bgp-cplane-demo -Node tor1 -Prefix 10.1.0.0/24</code>
/// <para>Waits until tor1 learned the Pod CIDR of the first node.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Wait, "FrrBgpRoute", DefaultParameterSetName = ContainerSet)]
[OutputType(typeof(FrrBgpRoute))]
public sealed class WaitFrrBgpRouteCommand : FrrRouterCmdlet
{
    /// <summary>Prefixes every router must have a best path for (e.g. 10.1.0.0/24).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Prefix { get; set; }

    /// <summary>The least number of prefixes (with a best path) every router must hold.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? Count { get; set; }

    /// <summary>How long to wait, in seconds.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 120;

    /// <summary>The VRF (default: the default VRF).</summary>
    [Parameter]
    public string? Vrf { get; set; }

    /// <summary>ipv4 (default) or ipv6 unicast.</summary>
    [Parameter]
    [ValidateSet("ipv4", "ipv6")]
    public string? AddressFamily { get; set; }

    protected override void ProcessRouters(IReadOnlyList<FrrRouterTarget> routers)
    {
        var prefixes = FrrPrefixArgument.Parse(Prefix, this);
        if (prefixes is null && Count is null)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give -Prefix, -Count or both: what should the routers hold?"),
                "FrrWaitRouteNothingToWaitFor", ErrorCategory.InvalidArgument, null));
        WriteObjects(Run((o, ct) => Client.WaitForRoutesAsync(routers, prefixes, Count, Vrf, AddressFamily, TimeSpan.FromSeconds(TimeoutSec), o, ct)));
    }
}
