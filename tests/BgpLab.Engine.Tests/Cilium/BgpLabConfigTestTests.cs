using BgpLab.Engine.Cilium;
using BgpLab.Engine.Clab;

namespace BgpLab.Engine.Tests.Cilium;

public class BgpLabConfigTestTests
{
    private static readonly string Dir = CiliumBgpPeeringPolicyTests.ScenarioDir;
    private static ClabTopology Topology => ClabTopologyLoader.Load(Path.Combine(Dir, "topo.yaml"));
    private static IReadOnlyList<CiliumNodeIntent> Nodes => KindClusterNodes.Read(Path.Combine(Dir, "cluster.yaml"));
    private static List<CiliumBgpPeeringPolicy> Policies => CiliumBgpPolicyFile.Read(Path.Combine(Dir, "cilium-bgp-peering-policies.yaml"));

    [Fact]
    public void Reads_the_scenario_nodes_from_the_kind_config()
    {
        Assert.Equal(new[] { "clab-bgp-cplane-demo-control-plane", "clab-bgp-cplane-demo-worker", "clab-bgp-cplane-demo-worker2", "clab-bgp-cplane-demo-worker3" },
            Nodes.Select(n => n.Name));
        Assert.Equal(new[] { "10.0.1.2", "10.0.2.2", "10.0.3.2", "10.0.4.2" }, Nodes.Select(n => n.Address));
        Assert.Equal(new[] { "rack0", "rack0", "rack1", "rack1" }, Nodes.Select(n => n.Labels["rack"]));
    }

    [Fact]
    public void Reads_the_tors_bgp_intent_from_the_exec_lines()
    {
        var tor1 = FrrRouterIntent.FromNode(Topology.FindNode("tor1")!)!;
        Assert.Equal(65011, tor1.Asn);
        Assert.Equal(new[] { "10.0.0.2" }, tor1.LoopbackAddresses);
        Assert.Equal("internal", tor1.Neighbors["10.0.3.2"]);
        Assert.Equal("external", tor1.Neighbors["net0"]);
        Assert.Null(FrrRouterIntent.FromNode(Topology.FindNode("server0")!));
    }

    [Fact]
    public void Scenario_files_have_no_finding()
    {
        Assert.Empty(BgpLabConfigTest.Run(Policies, Topology, Nodes));
    }

    [Fact]
    public void Rack1_with_asn_65099_is_reported_against_tor1_for_both_nodes()
    {
        var policies = Policies;
        policies[1].VirtualRouters[0].LocalAsn = 65099;
        var findings = BgpLabConfigTest.Run(policies, Topology, Nodes);
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f =>
        {
            Assert.Equal("RemoteAsMismatch", f.Code);
            Assert.Equal("tor1", f.Router);
            Assert.StartsWith("rack1", f.Policy);
            Assert.Equal(65099, f.LocalAsn);
            Assert.Contains("remote-as internal (= 65011)", f.RouterSetting);
        });
        Assert.Equal(new[] { "10.0.3.2", "10.0.4.2" }, findings.Select(f => f.NodeAddress));

        policies[1].VirtualRouters[0].Neighbors[0].PeerAsn = 65099;
        findings = BgpLabConfigTest.Run(policies, Topology, Nodes);
        Assert.Contains(findings, f => f.Code == "PeerAsnMismatch" && f.Router == "tor1" && f.RouterSetting == "router bgp 65011");
    }

    [Fact]
    public void Wrong_peer_address_selector_and_missing_neighbor_are_reported()
    {
        var policies = Policies;
        policies[0].VirtualRouters[0].Neighbors[0].PeerAddress = "10.0.0.9/32";
        policies[1].NodeSelector!.MatchLabels!["rack"] = "rack7";
        var findings = BgpLabConfigTest.Run(policies, Topology, Nodes);
        Assert.Contains(findings, f => f.Code == "PeerAddressNotInFabric" && f.PeerAddress == "10.0.0.9/32");
        Assert.Contains(findings, f => f.Code == "NodeSelectorMatchesNoNode" && f.Policy.StartsWith("rack1"));

        // rack0's nodes pointed at tor1: tor1 has no neighbor for 10.0.1.2 / 10.0.2.2.
        policies = Policies;
        policies[0].VirtualRouters[0].Neighbors[0] = new CiliumBgpNeighbor { PeerAddress = "10.0.0.2/32", PeerAsn = 65011 };
        policies[0].VirtualRouters[0].LocalAsn = 65011;
        findings = BgpLabConfigTest.Run(policies, Topology, Nodes);
        Assert.Equal(new[] { "10.0.1.2", "10.0.2.2" }, findings.Where(f => f.Code == "RouterLacksNeighbor" && f.Router == "tor1").Select(f => f.NodeAddress));
        // ... and rack0's nodes are not on tor1's subnets (10.0.3.0/24, 10.0.4.0/24): its loopback is reached only via router0.
        Assert.Equal(new[] { "10.0.1.2", "10.0.2.2" }, findings.Where(f => f.Code == "NodeNotAttachedToRouter" && f.Router == "tor1").Select(f => f.NodeAddress));
    }
}
