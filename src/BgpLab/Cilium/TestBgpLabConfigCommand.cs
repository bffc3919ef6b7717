using System.Management.Automation;
using BgpLab.Engine.Cilium;
using BgpLab.Engine.Clab;
using BgpLab.Engine.Kube;
using BgpLab.Kube;

namespace BgpLab.Cilium;

/// <summary>Cross-checks Cilium peering policies against the fabric's FRR configuration before deploying.</summary>
/// <remarks>
/// For each peering policy: does its nodeSelector match a node, is each peer address an address (ideally the
/// loopback) of an FRR router in the topology, does that router run the policy's peer ASN, and does it have a
/// neighbor for every selected node's IP with the ASN the policy uses? The routers' configuration is read from the
/// topology's exec lines (vtysh -c ..., ip addr add ...). Policies come from -PolicyPath files, from the pipeline
/// (Import-/Get-CiliumBgpPeeringPolicy) or, with neither, from the cluster; nodes (names, node IPs, labels) from
/// the Kind cluster config's kubeadm patches (-ClusterConfigPath) or, without it, from the cluster's Node objects.
/// Each mismatch is one BgpLabConfigFinding naming both sides; no output means consistent.
/// </remarks>
/// <example>
/// <code>Test-BgpLabConfig -TopologyPath topo.yaml -PolicyPath cilium-bgp-peering-policies.yaml -ClusterConfigPath cluster.yaml</code>
/// <para>The scenario's files: no finding. With rack1's ASN changed to 65099: two RemoteAsMismatch findings against tor1.</para>
/// </example>
/// <example>
/// <code>Test-BgpLabConfig -TopologyPath topo.yaml -Context kind-clab-bgp-cplane-demo</code>
/// <para>The policies and nodes of the running cluster against the topology.</para>
/// </example>
[Cmdlet(VerbsDiagnostic.Test, "BgpLabConfig", DefaultParameterSetName = "Cluster")]
[OutputType(typeof(BgpLabConfigFinding))]
public sealed class TestBgpLabConfigCommand : KubeCmdlet
{
    /// <summary><para type="description">The containerlab topology with the FRR routers.</para></summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string TopologyPath { get; set; } = "";

    /// <summary><para type="description">YAML file(s) of CiliumBGPPeeringPolicy objects.</para></summary>
    [Parameter(Mandatory = true, ParameterSetName = "Files")]
    public string[] PolicyPath { get; set; } = Array.Empty<string>();

    /// <summary><para type="description">Policies already in memory (Import-/Get-CiliumBgpPeeringPolicy).</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Objects")]
    public CiliumBgpPeeringPolicy[] Policy { get; set; } = Array.Empty<CiliumBgpPeeringPolicy>();

    /// <summary><para type="description">The Kind cluster config whose nodes the policies select. Default: the cluster's nodes.</para></summary>
    [Parameter]
    public string? ClusterConfigPath { get; set; }

    private readonly List<CiliumBgpPeeringPolicy> _policies = new();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Objects") _policies.AddRange(Policy);
        else if (ParameterSetName == "Files")
            foreach (var p in PolicyPath) _policies.AddRange(Run((_, _) => Task.FromResult(CiliumBgpPolicyFile.Read(GetUnresolvedProviderPathFromPSPath(p)))));
    }

    protected override void EndProcessing()
    {
        var topologyPath = GetUnresolvedProviderPathFromPSPath(TopologyPath);
        var clusterPath = ClusterConfigPath is null ? null : GetUnresolvedProviderPathFromPSPath(ClusterConfigPath);
        var connection = ParameterSetName == "Cluster" || clusterPath is null ? Connection : null;
        var findings = Run(async (_, ct) =>
        {
            var topology = ClabTopologyLoader.Load(topologyPath);
            var policies = _policies;
            if (ParameterSetName == "Cluster")
            {
                await CiliumBgpApi.EnsureServedAsync(connection!, CiliumBgpPeeringPolicy.KindName, ct).ConfigureAwait(false);
                policies = (await CiliumBgpApi.ListAsync(connection!, CiliumBgpPeeringPolicy.ApiVersion, CiliumBgpPeeringPolicy.Plural, ct).ConfigureAwait(false))
                    .Select(j => CiliumBgpPeeringPolicy.FromJson(j, $"cluster {connection!.Context}")).ToList();
            }
            var nodes = clusterPath is not null
                ? KindClusterNodes.Read(clusterPath)
                : (await KubeNodes.GetAsync(connection!, null, ct).ConfigureAwait(false))
                    .Select(n => new CiliumNodeIntent(n.Name, n.InternalIP, n.Labels, $"cluster {n.Context}")).ToList();
            return BgpLabConfigTest.Run(policies, topology, nodes);
        });
        WriteObjects(findings);
    }
}
