using System.Collections;
using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Kind;

namespace BgpLab.Kind;

/// <summary>
/// <para type="synopsis">Creates a Kind cluster configuration (kind.x-k8s.io/v1alpha4 Cluster) from parameters and node configurations.</para>
/// </summary>
/// <remarks>
/// <para type="description">Nodes come from -Node (New-KindNodeConfig objects, also from the pipeline) or from -ControlPlanes/-Workers counts. Networking parameters map one to one to kind's networking fields. The result is validated with kind's rules and BgpLab's (odd number of control-planes, valid and non-overlapping CIDRs, unique node IPs); write it with Export-KindClusterConfig or pass it to New-KindCluster -Config.</para>
/// </remarks>
/// <example>
/// <code>$nodes = @(
///     New-KindNodeConfig control-plane -NodeIP 10.0.1.2 -Label @{ rack = 'rack0' } -LabelsInKubeadmPatch
///     New-KindNodeConfig worker -NodeIP 10.0.2.2 -Label @{ rack = 'rack0' } -LabelsInKubeadmPatch
///     New-KindNodeConfig worker -NodeIP 10.0.3.2 -Label @{ rack = 'rack1' } -LabelsInKubeadmPatch
///     New-KindNodeConfig worker -NodeIP 10.0.4.2 -Label @{ rack = 'rack1' } -LabelsInKubeadmPatch
/// )
/// New-KindClusterConfig -Name clab-bgp-cplane-demo -Node $nodes -DisableDefaultCni -PodSubnet 10.1.0.0/16</code>
/// <para>The scenario's cluster.yaml, built from parameters.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "KindClusterConfig")]
[OutputType(typeof(KindClusterConfig))]
public sealed class NewKindClusterConfigCommand : BgpLabCmdlet
{
    /// <summary>
    /// <para type="description">Cluster name (lower-case letters, digits, '.', '-').</para>
    /// </summary>
    [Parameter(Position = 0)]
    public string? Name { get; set; }

    /// <summary>
    /// <para type="description">Node configurations from New-KindNodeConfig (in order: the first control-plane runs kubeadm init).</para>
    /// </summary>
    [Parameter(ValueFromPipeline = true)]
    public KindNodeConfig[]? Node { get; set; }

    /// <summary>
    /// <para type="description">Number of control-plane nodes to add (when -Node is not given: default 1).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 9)]
    public int? ControlPlanes { get; set; }

    /// <summary>
    /// <para type="description">Number of worker nodes to add.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 99)]
    public int Workers { get; set; }

    /// <summary>
    /// <para type="description">Do not install kindnet (install a CNI such as Cilium yourself; nodes stay NotReady until then).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter DisableDefaultCni { get; set; }

    /// <summary>
    /// <para type="description">Pod subnet (kind default 10.244.0.0/16); for dual stack "v4cidr,v6cidr".</para>
    /// </summary>
    [Parameter]
    public string? PodSubnet { get; set; }

    /// <summary>
    /// <para type="description">Service subnet (kind default 10.96.0.0/16).</para>
    /// </summary>
    [Parameter]
    public string? ServiceSubnet { get; set; }

    /// <summary>
    /// <para type="description">ipv4 (default), ipv6 or dual.</para>
    /// </summary>
    [Parameter]
    [ValidateSet("ipv4", "ipv6", "dual")]
    public string? IpFamily { get; set; }

    /// <summary>
    /// <para type="description">kube-proxy mode: iptables (default), ipvs, nftables or none (e.g. for Cilium's kube-proxy replacement).</para>
    /// </summary>
    [Parameter]
    [ValidateSet("iptables", "ipvs", "nftables", "none")]
    public string? KubeProxyMode { get; set; }

    /// <summary>
    /// <para type="description">Host address the API server is published on (kind default 127.0.0.1).</para>
    /// </summary>
    [Parameter]
    public string? ApiServerAddress { get; set; }

    /// <summary>
    /// <para type="description">Host port of the API server (0 = random free port, -1 = docker chooses).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(-1, 65535)]
    public int? ApiServerPort { get; set; }

    /// <summary>
    /// <para type="description">Kubernetes feature gates for all components, e.g. @{ SomeGate = $true }.</para>
    /// </summary>
    [Parameter]
    public Hashtable? FeatureGate { get; set; }

    /// <summary>
    /// <para type="description">kube-apiserver --runtime-config entries, e.g. @{ 'api/alpha' = 'false' }.</para>
    /// </summary>
    [Parameter]
    public Hashtable? RuntimeConfig { get; set; }

    /// <summary>
    /// <para type="description">Cluster-wide kubeadm merge patches (YAML text).</para>
    /// </summary>
    [Parameter]
    public string[]? KubeadmConfigPatch { get; set; }

    /// <summary>
    /// <para type="description">containerd config TOML patches applied to every node.</para>
    /// </summary>
    [Parameter]
    public string[]? ContainerdConfigPatch { get; set; }

    private readonly List<KindNodeConfig> _nodes = new();

    protected override void ProcessRecord()
    {
        if (Node is not null) _nodes.AddRange(Node);
    }

    protected override void EndProcessing()
    {
        var config = new KindClusterConfig
        {
            Name = Name,
            Networking = new KindNetworking
            {
                DisableDefaultCNI = DisableDefaultCni, PodSubnet = PodSubnet, ServiceSubnet = ServiceSubnet, IpFamily = IpFamily,
                KubeProxyMode = KubeProxyMode, ApiServerAddress = ApiServerAddress, ApiServerPort = ApiServerPort,
            },
            FeatureGates = Hashtables.ToBools(FeatureGate),
            RuntimeConfig = Hashtables.ToStrings(RuntimeConfig),
            KubeadmConfigPatches = KubeadmConfigPatch?.ToList() ?? new List<string>(),
            ContainerdConfigPatches = ContainerdConfigPatch?.ToList() ?? new List<string>(),
        };
        var controlPlanes = ControlPlanes ?? (_nodes.Any(n => n.Role == KindNodeConfig.ControlPlane) ? 0 : 1);
        for (var i = 0; i < controlPlanes; i++) config.Nodes.Add(new KindNodeConfig { Role = KindNodeConfig.ControlPlane });
        config.Nodes.AddRange(_nodes);
        for (var i = 0; i < Workers; i++) config.Nodes.Add(new KindNodeConfig { Role = KindNodeConfig.Worker });
        // The first control-plane runs kubeadm init: keep control-planes first, as kind creates them.
        config.Nodes = config.Nodes.Where(n => n.Role == KindNodeConfig.ControlPlane).Concat(config.Nodes.Where(n => n.Role != KindNodeConfig.ControlPlane)).ToList();
        var result = Run((_, _) => Task.FromResult(KindConfigValidator.ThrowIfInvalid(config)));
        foreach (var warning in result.Warnings) WriteWarning(warning);
        WriteObject(config);
    }
}
