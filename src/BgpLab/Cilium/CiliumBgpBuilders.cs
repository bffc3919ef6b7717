using System.Collections;
using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Cilium;

namespace BgpLab.Cilium;

/// <summary>Hashtables from the command line → label selectors.</summary>
internal static class CiliumParameters
{
    /// <summary>PowerShell values → plain CLR values (PSObject wrappers removed, nested hashtables and arrays kept).</summary>
    public static object? Unwrap(object? value) => value switch
    {
        PSObject pso => Unwrap(pso.BaseObject),
        IDictionary d => d.Cast<DictionaryEntry>().ToDictionary(e => Convert.ToString(Unwrap(e.Key), System.Globalization.CultureInfo.InvariantCulture) ?? "", e => Unwrap(e.Value)),
        string s => s,
        IEnumerable e => e.Cast<object?>().Select(Unwrap).ToList(),
        _ => value,
    };

    public static CiliumLabelSelector? Selector(Hashtable? labels) => labels is null ? null : new CiliumLabelSelector
    {
        MatchLabels = labels.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => LanguagePrimitives.ConvertTo<string>(e.Value)),
    };
}

/// <summary>Creates a BGP neighbor for a Cilium virtual router (in memory).</summary>
/// <remarks>
/// Builds one entry of a CiliumBGPPeeringPolicy virtual router's neighbors: the peer's address (CIDR, /32 for
/// one host) and ASN, plus any of the CRD's options (port, timers, graceful restart, eBGP multihop, address
/// families, TCP MD5 secret, path attributes). Nothing is sent; pass it to New-CiliumBgpVirtualRouter -Neighbor.
/// The values are checked against Cilium's CRD schema when the policy is built.
/// </remarks>
/// <example>
/// <code>New-CiliumBgpNeighbor -PeerAddress 10.0.0.1/32 -PeerAsn 65010</code>
/// <para>The neighbor of the scenario's rack0 nodes: tor0's loopback, iBGP in AS 65010.</para>
/// </example>
/// <example>
/// <code>New-CiliumBgpNeighbor -PeerAddress 10.0.0.1/32 -PeerAsn 65000 -EbgpMultihopTtl 2 -HoldTimeSeconds 9 -KeepAliveTimeSeconds 3 -GracefulRestart</code>
/// <para>An eBGP neighbor two hops away with short timers and graceful restart.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "CiliumBgpNeighbor")]
[OutputType(typeof(CiliumBgpNeighbor))]
public sealed class NewCiliumBgpNeighborCommand : BgpLabCmdlet
{
    /// <summary><para type="description">peerAddress: the peer's IP in CIDR notation (10.0.0.1/32).</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string PeerAddress { get; set; } = "";

    /// <summary><para type="description">peerASN: the peer's AS number (1..4294967295).</para></summary>
    [Parameter(Mandatory = true, Position = 1)]
    public long PeerAsn { get; set; }

    /// <summary><para type="description">peerPort: the peer's TCP port (default 179).</para></summary>
    [Parameter]
    public int? PeerPort { get; set; }

    /// <summary><para type="description">authSecretRef: name of the Secret (in Cilium's BGP secrets namespace) holding the TCP MD5 password.</para></summary>
    [Parameter]
    public string? AuthSecretRef { get; set; }

    /// <summary><para type="description">eBGPMultihopTTL: TTL of BGP packets to an eBGP peer (1 = directly connected).</para></summary>
    [Parameter]
    public int? EbgpMultihopTtl { get; set; }

    /// <summary><para type="description">connectRetryTimeSeconds (default 120).</para></summary>
    [Parameter]
    public int? ConnectRetryTimeSeconds { get; set; }

    /// <summary><para type="description">holdTimeSeconds (default 90, at least 3).</para></summary>
    [Parameter]
    public int? HoldTimeSeconds { get; set; }

    /// <summary><para type="description">keepAliveTimeSeconds (default 30).</para></summary>
    [Parameter]
    public int? KeepAliveTimeSeconds { get; set; }

    /// <summary><para type="description">Enables the graceful restart capability with this neighbor.</para></summary>
    [Parameter]
    public SwitchParameter GracefulRestart { get; set; }

    /// <summary><para type="description">gracefulRestart.restartTimeSeconds (default 120; implies -GracefulRestart).</para></summary>
    [Parameter]
    public int? RestartTimeSeconds { get; set; }

    /// <summary><para type="description">Address families as afi/safi (ipv4/unicast, ipv6/unicast); default both unicast families.</para></summary>
    [Parameter]
    public string[]? Family { get; set; }

    /// <summary><para type="description">advertisedPathAttributes: communities / local preference for selected routes.</para></summary>
    [Parameter]
    public CiliumBgpPathAttributes[]? AdvertisedPathAttributes { get; set; }

    protected override void ProcessRecord()
    {
        var neighbor = new CiliumBgpNeighbor
        {
            PeerAddress = PeerAddress,
            PeerAsn = PeerAsn,
            PeerPort = PeerPort,
            AuthSecretRef = AuthSecretRef,
            EbgpMultihopTtl = EbgpMultihopTtl,
            ConnectRetryTimeSeconds = ConnectRetryTimeSeconds,
            HoldTimeSeconds = HoldTimeSeconds,
            KeepAliveTimeSeconds = KeepAliveTimeSeconds,
            GracefulRestart = GracefulRestart || RestartTimeSeconds is not null ? new CiliumBgpGracefulRestart { Enabled = true, RestartTimeSeconds = RestartTimeSeconds } : null,
            AdvertisedPathAttributes = AdvertisedPathAttributes?.ToList(),
        };
        if (Family is not null)
        {
            neighbor.Families = new();
            foreach (var f in Family)
            {
                var parts = f.Split('/');
                if (parts.Length != 2)
                {
                    ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Family '{f}' is not afi/safi (e.g. ipv4/unicast)."), "CiliumFamilyInvalid", ErrorCategory.InvalidArgument, f));
                }
                neighbor.Families.Add(new CiliumBgpFamily { Afi = parts[0], Safi = parts[1] });
            }
        }
        WriteObject(neighbor);
    }
}

/// <summary>Creates a Cilium BGP virtual router (in memory).</summary>
/// <remarks>
/// Builds one entry of a CiliumBGPPeeringPolicy's virtualRouters: the local ASN the selected nodes speak as,
/// what they export (Pod CIDR, LoadBalancer services, Pod IP pools) and their neighbors. Nothing is sent; pass
/// it to New-CiliumBgpPeeringPolicy -VirtualRouter.
/// </remarks>
/// <example>
/// <code>New-CiliumBgpVirtualRouter -LocalAsn 65010 -ExportPodCidr -Neighbor (New-CiliumBgpNeighbor -PeerAddress 10.0.0.1/32 -PeerAsn 65010)</code>
/// <para>The scenario's rack0 router: AS 65010, Pod CIDR exported, tor0 as the neighbor.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "CiliumBgpVirtualRouter")]
[OutputType(typeof(CiliumBgpVirtualRouter))]
public sealed class NewCiliumBgpVirtualRouterCommand : BgpLabCmdlet
{
    /// <summary><para type="description">localASN: the AS number of the selected nodes (1..4294967295).</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public long LocalAsn { get; set; }

    /// <summary><para type="description">exportPodCIDR: advertise each node's Pod CIDR.</para></summary>
    [Parameter]
    public SwitchParameter ExportPodCidr { get; set; }

    /// <summary><para type="description">The neighbors (New-CiliumBgpNeighbor); at least one.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public CiliumBgpNeighbor[] Neighbor { get; set; } = Array.Empty<CiliumBgpNeighbor>();

    /// <summary><para type="description">serviceSelector as matchLabels: LoadBalancer services to announce.</para></summary>
    [Parameter]
    public Hashtable? ServiceSelector { get; set; }

    /// <summary><para type="description">serviceAdvertisements: LoadBalancerIP, ClusterIP, ExternalIP.</para></summary>
    [Parameter]
    [ValidateSet("LoadBalancerIP", "ClusterIP", "ExternalIP")]
    public string[]? ServiceAdvertisement { get; set; }

    /// <summary><para type="description">podIPPoolSelector as matchLabels: CiliumPodIPPools whose CIDRs are announced.</para></summary>
    [Parameter]
    public Hashtable? PodIPPoolSelector { get; set; }

    private readonly List<CiliumBgpNeighbor> _neighbors = new();

    protected override void ProcessRecord() => _neighbors.AddRange(Neighbor);

    protected override void EndProcessing() => WriteObject(new CiliumBgpVirtualRouter
    {
        LocalAsn = LocalAsn,
        ExportPodCidr = ExportPodCidr.IsPresent ? true : null,
        Neighbors = _neighbors,
        ServiceSelector = CiliumParameters.Selector(ServiceSelector),
        ServiceAdvertisements = ServiceAdvertisement?.ToList(),
        PodIPPoolSelector = CiliumParameters.Selector(PodIPPoolSelector),
    });
}
