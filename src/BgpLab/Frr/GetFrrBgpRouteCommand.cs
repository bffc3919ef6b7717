using System.Management.Automation;
using System.Net;
using BgpLab.Engine.Frr;

namespace BgpLab.Frr;

/// <summary>
/// <para type="synopsis">Gets the BGP table of FRR routers: one object per path of each prefix.</para>
/// </summary>
/// <remarks>
/// Runs <c>show bgp [vrf X] ipv4|ipv6 unicast json</c> in each router (in parallel) and returns FrrBgpRoute
/// objects: Router, Prefix (System.Net.IPNetwork), NextHops, AsPath (list of AS numbers), Origin, LocalPref,
/// Med, Weight, IsBest, IsMultipath, IsValid, Peer. The JSON is read as a stream: large tables are not held
/// as a document.
/// </remarks>
/// <example>
/// <code>Get-FrrBgpRoute -Lab bgp-cplane-demo -Node router0 -BestOnly</code>
/// <para>The best path of every prefix router0 knows, like `show bgp ipv4 wide`.</para>
/// </example>
/// <example>
/// <code>Get-FrrBgpRoute -Container clab-bgp-cplane-demo-tor0 -Prefix 10.1.0.0/24,10.1.1.0/24</code>
/// <para>All paths of two Pod CIDRs on tor0.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "FrrBgpRoute", DefaultParameterSetName = ContainerSet)]
[OutputType(typeof(FrrBgpRoute))]
public sealed class GetFrrBgpRouteCommand : FrrRouterCmdlet
{
    /// <summary>Only these prefixes (exact match, e.g. 10.1.0.0/24).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Prefix { get; set; }

    /// <summary>Only the best path of each prefix.</summary>
    [Parameter]
    public SwitchParameter BestOnly { get; set; }

    /// <summary>The VRF (default: the default VRF; 'all' for every VRF).</summary>
    [Parameter]
    public string? Vrf { get; set; }

    /// <summary>ipv4 (default) or ipv6 unicast.</summary>
    [Parameter]
    [ValidateSet("ipv4", "ipv6")]
    public string? AddressFamily { get; set; }

    protected override void ProcessRouters(IReadOnlyList<FrrRouterTarget> routers)
    {
        var prefixes = FrrPrefixArgument.Parse(Prefix, this);
        var best = BestOnly.IsPresent;
        Func<FrrBgpRoute, bool>? filter = prefixes is null && !best ? null
            : r => (!best || r.IsBest) && (prefixes is null || prefixes.Contains(r.Prefix));
        WriteResults(Run((o, ct) => FrrClient.ForEachRouterAsync(routers, (t, c) => Client.GetBgpRoutesAsync(t, Vrf, AddressFamily, filter, c), ct)));
    }
}

internal static class FrrPrefixArgument
{
    /// <summary>Prefix strings as networks; a bad one is a terminating error naming it.</summary>
    public static HashSet<IPNetwork>? Parse(string[]? prefixes, PSCmdlet cmdlet)
    {
        if (prefixes is null || prefixes.Length == 0) return null;
        var set = new HashSet<IPNetwork>();
        foreach (var p in prefixes)
        {
            var text = p.Contains('/') ? p : p + (p.Contains(':') ? "/128" : "/32");
            // Host bits must be clear: some runtimes accept 10.0.0.1/16 and silently mask it.
            if (!IPNetwork.TryParse(text, out var network) || !network.BaseAddress.Equals(IPAddress.Parse(text[..text.IndexOf('/')])))
                cmdlet.ThrowTerminatingError(new ErrorRecord(new ArgumentException($"'{p}' is not a prefix (expected e.g. 10.1.0.0/24, with no host bits set)."),
                    "FrrBadPrefixArgument", ErrorCategory.InvalidArgument, p));
            set.Add(network);
        }
        return set;
    }
}
