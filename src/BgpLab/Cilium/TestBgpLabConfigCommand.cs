using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Cilium;
using BgpLab.Engine.Clab;

namespace BgpLab.Cilium;

/// <summary>Cross-checks Cilium peering policies against the fabric's FRR configuration before deploying.</summary>
/// <remarks>
/// For each peering policy: does its nodeSelector match a node, is each peer address an address (ideally the
/// loopback) of an FRR router in the topology, does that router run the policy's peer ASN, and does it have a
/// neighbor for every selected node's IP with the ASN the policy uses? The routers' configuration is read from the
/// topology's exec lines (vtysh -c ..., ip addr add ...); the nodes (names, node IPs, labels) from the Kind cluster
/// config's kubeadm patches. Each mismatch is one BgpLabConfigFinding naming both sides; no output means consistent.
/// </remarks>
/// <example>
/// <code>Test-BgpLabConfig -TopologyPath topo.yaml -PolicyPath cilium-bgp-peering-policies.yaml -ClusterConfigPath cluster.yaml</code>
/// <para>The scenario's files: no finding.</para>
/// </example>
[Cmdlet(VerbsDiagnostic.Test, "BgpLabConfig")]
[OutputType(typeof(BgpLabConfigFinding))]
public sealed class TestBgpLabConfigCommand : BgpLabCmdlet
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

    /// <summary><para type="description">The Kind cluster config whose nodes the policies select.</para></summary>
    [Parameter(Mandatory = true)]
    public string ClusterConfigPath { get; set; } = "";

    private readonly List<CiliumBgpPeeringPolicy> _policies = new();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Objects") _policies.AddRange(Policy);
        else foreach (var p in PolicyPath) _policies.AddRange(Run((_, _) => Task.FromResult(CiliumBgpPolicyFile.Read(GetUnresolvedProviderPathFromPSPath(p)))));
    }

    protected override void EndProcessing()
    {
        var topologyPath = GetUnresolvedProviderPathFromPSPath(TopologyPath);
        var clusterPath = GetUnresolvedProviderPathFromPSPath(ClusterConfigPath);
        var findings = Run((_, _) =>
        {
            var topology = ClabTopologyLoader.Load(topologyPath);
            var nodes = KindClusterNodes.Read(clusterPath);
            return Task.FromResult(BgpLabConfigTest.Run(_policies, topology, nodes));
        });
        WriteObjects(findings);
    }
}
