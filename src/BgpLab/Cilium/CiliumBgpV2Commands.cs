using System.Collections;
using System.Management.Automation;
using BgpLab.Engine.Cilium;
using BgpLab.Engine.Kube;
using BgpLab.Kube;

namespace BgpLab.Cilium;

/// <summary>Base of the cmdlets that apply Cilium objects: one path with validation, ShouldProcess and per-object errors.</summary>
public abstract class CiliumObjectCmdlet : KubeCmdlet
{
    protected void ApplyObject(ICiliumObject obj, bool passThru)
    {
        if (!TryRun((_, _) => { CiliumObjects.SchemaOf(obj).EnsureValid(obj.ToJson(), $"{obj.Kind} {obj.Name}"); return Task.FromResult(true); }, out _)) return;
        if (!ShouldProcess($"{obj.Kind} {obj.Name}:{Environment.NewLine}{CiliumYaml.Write(new[] { (System.Text.Json.Nodes.JsonNode?)obj.ToJson() })}", "Apply")) return;
        var connection = Connection;
        if (TryRun((_, ct) => V2Calls.ApplyAsync(connection, obj, ct), out var stored) && passThru) WriteObject(stored);
    }
}

/// <summary>Applies v2 objects: validate, check the cluster serves BGP v2 at that version, server-side apply.</summary>
internal static class V2Calls
{
    public static async Task<ICiliumObject> ApplyAsync(KubeConnection connection, ICiliumObject obj, CancellationToken ct)
    {
        if (obj is CiliumBgpPeeringPolicy policy) return await PeeringPolicyCalls.ApplyAsync(connection, policy, ct).ConfigureAwait(false);
        var support = await CiliumBgpApi.EnsureServedAsync(connection, obj.Kind, ct).ConfigureAwait(false);
        // Clusters whose CRDs serve only v2alpha1 (Cilium 1.16/1.17) get the same object at that version.
        if (obj.ApiVersion != $"cilium.io/{support.V2Version}") SetApiVersion(obj, $"cilium.io/{support.V2Version}");
        var stored = await CiliumBgpApi.ApplyAsync(connection, obj, ct).ConfigureAwait(false);
        return CiliumObjects.FromJson(stored);
    }

    private static void SetApiVersion(ICiliumObject obj, string apiVersion)
    {
        switch (obj)
        {
            case CiliumBgpClusterConfig c: c.ApiVersion = apiVersion; break;
            case CiliumBgpPeerConfig p: p.ApiVersion = apiVersion; break;
            case CiliumBgpAdvertisement a: a.ApiVersion = apiVersion; break;
        }
    }
}

/// <summary>Creates or updates a CiliumBGPClusterConfig (BGP control plane v2).</summary>
/// <remarks>
/// The v2 counterpart of a peering policy's node selector and virtual router: the selected nodes run a BGP
/// instance with the local ASN and peer with the given address, using the named CiliumBGPPeerConfig for session
/// options. Validated against Cilium's CRD schema, then server-side applied. Clusters that serve only the v1 API
/// get an error naming New-CiliumBgpPeeringPolicy.
/// </remarks>
/// <example>
/// <code>New-CiliumBgpClusterConfig -Name rack0 -NodeSelector @{rack='rack0'} -LocalAsn 65010 -PeerAddress 10.0.0.1 -PeerAsn 65010 -PeerConfig rack0-10.0.0.1</code>
/// <para>rack0's nodes peer with tor0 in AS 65010.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "CiliumBgpClusterConfig", SupportsShouldProcess = true)]
[OutputType(typeof(CiliumBgpClusterConfig))]
public sealed class NewCiliumBgpClusterConfigCommand : CiliumObjectCmdlet
{
    /// <summary><para type="description">metadata.name.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = "";

    /// <summary><para type="description">nodeSelector as matchLabels; omitted = all nodes.</para></summary>
    [Parameter]
    public Hashtable? NodeSelector { get; set; }

    /// <summary><para type="description">localASN of the BGP instance.</para></summary>
    [Parameter(Mandatory = true)]
    public long LocalAsn { get; set; }

    /// <summary><para type="description">Name of the BGP instance. Default: instance-&lt;LocalAsn&gt;.</para></summary>
    [Parameter]
    public string? InstanceName { get; set; }

    /// <summary><para type="description">The peer's IP address (no prefix length).</para></summary>
    [Parameter(Mandatory = true)]
    public string PeerAddress { get; set; } = "";

    /// <summary><para type="description">The peer's ASN.</para></summary>
    [Parameter(Mandatory = true)]
    public long PeerAsn { get; set; }

    /// <summary><para type="description">Name of the CiliumBGPPeerConfig the peer uses.</para></summary>
    [Parameter]
    public string? PeerConfig { get; set; }

    /// <summary><para type="description">Output the object as stored.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var obj = new CiliumBgpClusterConfig
        {
            Name = Name, NodeSelector = CiliumParameters.Selector(NodeSelector),
            BgpInstances = { new CiliumBgpInstance { Name = InstanceName ?? $"instance-{LocalAsn}", LocalAsn = LocalAsn,
                Peers = { new CiliumBgpInstancePeer { Name = $"peer-{PeerAddress}", PeerAddress = PeerAddress, PeerAsn = PeerAsn, PeerConfigRef = PeerConfig } } } },
        };
        ApplyObject(obj, PassThru);
    }
}

/// <summary>Creates or updates a CiliumBGPPeerConfig (BGP control plane v2).</summary>
/// <remarks>Session options shared by the peers that reference it: port, timers, graceful restart, eBGP multihop, TCP MD5 secret, and per family the advertisements (by label) to announce.</remarks>
/// <example>
/// <code>New-CiliumBgpPeerConfig -Name rack0-10.0.0.1 -Family ipv4/unicast -AdvertisementSelector @{'bgplab.io/advertise'='rack0'}</code>
/// <para>IPv4 unicast, announcing the advertisements labelled bgplab.io/advertise=rack0.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "CiliumBgpPeerConfig", SupportsShouldProcess = true)]
[OutputType(typeof(CiliumBgpPeerConfig))]
public sealed class NewCiliumBgpPeerConfigCommand : CiliumObjectCmdlet
{
    /// <summary><para type="description">metadata.name.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = "";

    /// <summary><para type="description">transport.peerPort.</para></summary>
    [Parameter] public int? PeerPort { get; set; }
    /// <summary><para type="description">timers.connectRetryTimeSeconds.</para></summary>
    [Parameter] public int? ConnectRetryTimeSeconds { get; set; }
    /// <summary><para type="description">timers.holdTimeSeconds.</para></summary>
    [Parameter] public int? HoldTimeSeconds { get; set; }
    /// <summary><para type="description">timers.keepAliveTimeSeconds.</para></summary>
    [Parameter] public int? KeepAliveTimeSeconds { get; set; }
    /// <summary><para type="description">ebgpMultihop TTL.</para></summary>
    [Parameter] public int? EbgpMultihop { get; set; }
    /// <summary><para type="description">authSecretRef.</para></summary>
    [Parameter] public string? AuthSecretRef { get; set; }
    /// <summary><para type="description">Enables graceful restart.</para></summary>
    [Parameter] public SwitchParameter GracefulRestart { get; set; }
    /// <summary><para type="description">Families as afi/safi; default ipv4/unicast and ipv6/unicast.</para></summary>
    [Parameter] public string[] Family { get; set; } = { "ipv4/unicast", "ipv6/unicast" };
    /// <summary><para type="description">matchLabels of the CiliumBGPAdvertisements announced in each family.</para></summary>
    [Parameter] public Hashtable? AdvertisementSelector { get; set; }
    /// <summary><para type="description">Output the object as stored.</para></summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var selector = CiliumParameters.Selector(AdvertisementSelector);
        var obj = new CiliumBgpPeerConfig
        {
            Name = Name, PeerPort = PeerPort, ConnectRetryTimeSeconds = ConnectRetryTimeSeconds, HoldTimeSeconds = HoldTimeSeconds,
            KeepAliveTimeSeconds = KeepAliveTimeSeconds, EbgpMultihop = EbgpMultihop, AuthSecretRef = AuthSecretRef,
            GracefulRestart = GracefulRestart ? new CiliumBgpGracefulRestart { Enabled = true } : null,
            Families = Family.Select(f => f.Split('/')).Select(p => (new CiliumBgpFamily { Afi = p[0], Safi = p.Length > 1 ? p[1] : "" }, selector)).ToList(),
        };
        ApplyObject(obj, PassThru);
    }
}

/// <summary>Creates or updates a CiliumBGPAdvertisement (BGP control plane v2).</summary>
/// <remarks>What is announced: the nodes' Pod CIDRs, services' addresses (selected by labels) and/or Cilium Pod IP pools. Peer configs select advertisements by the labels given with -Label.</remarks>
/// <example>
/// <code>New-CiliumBgpAdvertisement -Name rack0 -Label @{'bgplab.io/advertise'='rack0'} -PodCidr</code>
/// <para>Announce each node's Pod CIDR (the v1 exportPodCIDR).</para>
/// </example>
[Cmdlet(VerbsCommon.New, "CiliumBgpAdvertisement", SupportsShouldProcess = true)]
[OutputType(typeof(CiliumBgpAdvertisement))]
public sealed class NewCiliumBgpAdvertisementCommand : CiliumObjectCmdlet
{
    /// <summary><para type="description">metadata.name.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Name { get; set; } = "";
    /// <summary><para type="description">metadata.labels (what peer configs select).</para></summary>
    [Parameter(Mandatory = true)] public Hashtable Label { get; set; } = new();
    /// <summary><para type="description">Advertise the nodes' Pod CIDRs.</para></summary>
    [Parameter] public SwitchParameter PodCidr { get; set; }
    /// <summary><para type="description">Service addresses to advertise: LoadBalancerIP, ClusterIP, ExternalIP.</para></summary>
    [Parameter, ValidateSet("LoadBalancerIP", "ClusterIP", "ExternalIP")] public string[]? Service { get; set; }
    /// <summary><para type="description">matchLabels of the services advertised (with -Service).</para></summary>
    [Parameter] public Hashtable? ServiceSelector { get; set; }
    /// <summary><para type="description">matchLabels of the CiliumPodIPPools advertised.</para></summary>
    [Parameter] public Hashtable? PodIPPoolSelector { get; set; }
    /// <summary><para type="description">Output the object as stored.</para></summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var obj = new CiliumBgpAdvertisement
        {
            Name = Name, Labels = CiliumParameters.Selector(Label)!.MatchLabels,
        };
        if (PodCidr) obj.Advertisements.Add(new CiliumBgpAdvertisementEntry { AdvertisementType = "PodCIDR" });
        if (Service is not null) obj.Advertisements.Add(new CiliumBgpAdvertisementEntry { AdvertisementType = "Service", ServiceAddresses = Service.ToList(), Selector = CiliumParameters.Selector(ServiceSelector) });
        if (PodIPPoolSelector is not null) obj.Advertisements.Add(new CiliumBgpAdvertisementEntry { AdvertisementType = "CiliumPodIPPool", Selector = CiliumParameters.Selector(PodIPPoolSelector) });
        ApplyObject(obj, PassThru);
    }
}

/// <summary>Applies any Cilium BGP object (v1 policy or v2 objects) with server-side apply.</summary>
/// <remarks>Takes the objects ConvertTo-CiliumBgpV2 (or the New-/Get- cmdlets) output and applies each, validated against its CRD first. v2 objects are sent at the version the cluster serves (v2, or v2alpha1 on Cilium 1.16/1.17).</remarks>
/// <example>
/// <code>Import-CiliumBgpPeeringPolicy ./cilium-bgp-peering-policies.yaml | ConvertTo-CiliumBgpV2 | Set-CiliumBgpObject</code>
/// <para>Migrates the scenario's policies to BGP control plane v2.</para>
/// </example>
[Cmdlet(VerbsCommon.Set, "CiliumBgpObject", SupportsShouldProcess = true)]
[OutputType(typeof(CiliumBgpClusterConfig), typeof(CiliumBgpPeerConfig), typeof(CiliumBgpAdvertisement), typeof(CiliumBgpPeeringPolicy))]
public sealed class SetCiliumBgpObjectCommand : CiliumObjectCmdlet
{
    /// <summary><para type="description">The objects to apply.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public ICiliumObject[] InputObject { get; set; } = Array.Empty<ICiliumObject>();

    /// <summary><para type="description">Output the objects as stored.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var obj in InputObject) ApplyObject(obj, PassThru);
    }
}

/// <summary>Gets BGP control plane v2 objects (cluster configs, peer configs, advertisements, node configs) from the cluster.</summary>
/// <remarks>
/// Lists the objects of one or more v2 kinds at the version the cluster serves (cilium.io/v2, or v2alpha1 on Cilium
/// 1.16/1.17), optionally filtered by name. CiliumBGPNodeConfig objects are the per-node result the operator writes;
/// Get-CiliumBgpPeer reads their status as sessions.
/// </remarks>
/// <example>
/// <code>Get-CiliumBgpObject -Kind CiliumBGPClusterConfig, CiliumBGPPeerConfig</code>
/// <para>The migrated scenario: two cluster configs and their peer configs.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "CiliumBgpObject")]
[OutputType(typeof(CiliumBgpClusterConfig), typeof(CiliumBgpPeerConfig), typeof(CiliumBgpAdvertisement), typeof(string))]
public sealed class GetCiliumBgpObjectCommand : KubeCmdlet
{
    /// <summary><para type="description">Kinds to list. Default: cluster configs, peer configs and advertisements.</para></summary>
    [Parameter(Position = 0)]
    [ValidateSet("CiliumBGPClusterConfig", "CiliumBGPPeerConfig", "CiliumBGPAdvertisement", "CiliumBGPNodeConfig")]
    public string[] Kind { get; set; } = { "CiliumBGPClusterConfig", "CiliumBGPPeerConfig", "CiliumBGPAdvertisement" };

    /// <summary><para type="description">Names; wildcards allowed.</para></summary>
    [Parameter(Position = 1)]
    [SupportsWildcards]
    public string[] Name { get; set; } = { "*" };

    protected override void ProcessRecord()
    {
        var connection = Connection;
        var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        var objects = Run(async (_, ct) =>
        {
            var support = await CiliumBgpApi.EnsureServedAsync(connection, CiliumBgpClusterConfig.KindName, ct).ConfigureAwait(false);
            var result = new List<(string Kind, System.Text.Json.Nodes.JsonObject Json)>();
            foreach (var kind in Kind)
            {
                var plural = kind.ToLowerInvariant() + "s";
                foreach (var json in await CiliumBgpApi.ListAsync(connection, $"cilium.io/{support.V2Version}", plural, ct).ConfigureAwait(false))
                    result.Add((kind, json));
            }
            return result;
        });
        foreach (var (kind, json) in objects)
        {
            var name = json["metadata"]?["name"]?.ToString() ?? "";
            if (!patterns.Any(p => p.IsMatch(name))) continue;
            // Node configs have no typed model: they are written as YAML (their status is read by Get-CiliumBgpPeer).
            if (kind == "CiliumBGPNodeConfig") WriteObject(CiliumYaml.Write(new[] { (System.Text.Json.Nodes.JsonNode?)json }));
            else WriteObject(CiliumObjects.FromJson(json));
        }
    }
}

/// <summary>Completes policy names from the cluster of -Kubeconfig/-Context (or the default one).</summary>
public sealed class CiliumBgpPeeringPolicyNameCompleter : System.Management.Automation.IArgumentCompleter
{
    public IEnumerable<System.Management.Automation.CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters)
    {
        try
        {
            var connection = KubeConnection.Resolve(fakeBoundParameters["Kubeconfig"] as string, fakeBoundParameters["Context"] as string);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var names = CiliumBgpApi.ListAsync(connection, CiliumBgpPeeringPolicy.ApiVersion, CiliumBgpPeeringPolicy.Plural, timeout.Token).GetAwaiter().GetResult()
                .Select(j => j["metadata"]?["name"]?.ToString() ?? "");
            return names.Where(n => n.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase)).Order()
                .Select(n => new System.Management.Automation.CompletionResult(n, n, System.Management.Automation.CompletionResultType.ParameterValue, n)).ToList();
        }
        catch (Exception)
        {
            return Array.Empty<System.Management.Automation.CompletionResult>(); // completion never fails the prompt
        }
    }
}
