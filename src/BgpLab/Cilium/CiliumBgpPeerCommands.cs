using System.Management.Automation;
using BgpLab.Engine.Cilium;
using BgpLab.Kube;

namespace BgpLab.Cilium;

/// <summary>Gets the Cilium side of the BGP sessions (what cilium bgp peers shows).</summary>
/// <remarks>
/// With BGP control plane v2 the sessions are read from each CiliumBGPNodeConfig's status; with v1 from each
/// running agent pod (kubectl exec of cilium-dbg bgp peers -o json, or cilium on agents before 1.15). Objects
/// have FrrBgpPeer's property names (Router, Neighbor, LocalAs, RemoteAs, State, Uptime, PrefixesReceived,
/// PrefixesSent), so both ends of a session can be compared in one pipeline.
/// </remarks>
/// <example>
/// <code>Get-CiliumBgpPeer -Context kind-clab-bgp-cplane-demo</code>
/// <para>One row per node and neighbor: each node's iBGP session with its ToR.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "CiliumBgpPeer")]
[OutputType(typeof(CiliumBgpPeer))]
public sealed class GetCiliumBgpPeerCommand : KubeCmdlet
{
    /// <summary><para type="description">Only these nodes (wildcards allowed).</para></summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[]? Node { get; set; }

    protected override void ProcessRecord()
    {
        var connection = Connection;
        var patterns = (Node ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        WriteObjects(Run((o, ct) => CiliumBgpSessions.GetPeersAsync(connection, o, ct)).Where(p => patterns.Any(w => w.IsMatch(p.Router))));
    }
}

/// <summary>Gets the routes the Cilium agents advertise (what cilium bgp routes shows).</summary>
/// <remarks>Runs cilium-dbg bgp routes &lt;advertised|available&gt; &lt;afi&gt; &lt;safi&gt; -o json in each running agent pod (kubectl exec).</remarks>
/// <example>
/// <code>Get-CiliumBgpRoute -Context kind-clab-bgp-cplane-demo</code>
/// <para>Each node's Pod CIDR as advertised to its ToR.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "CiliumBgpRoute")]
[OutputType(typeof(CiliumBgpRoute))]
public sealed class GetCiliumBgpRouteCommand : KubeCmdlet
{
    /// <summary><para type="description">advertised (default) or available.</para></summary>
    [Parameter]
    [ValidateSet("advertised", "available")]
    public string Direction { get; set; } = "advertised";

    /// <summary><para type="description">Address family: ipv4 (default) or ipv6.</para></summary>
    [Parameter]
    [ValidateSet("ipv4", "ipv6")]
    public string Afi { get; set; } = "ipv4";

    protected override void ProcessRecord()
    {
        var connection = Connection;
        WriteObjects(Run((o, ct) => CiliumBgpSessions.GetRoutesAsync(connection, Direction, Afi, "unicast", o, ct)));
    }
}
