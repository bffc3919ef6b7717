using BgpLab.Engine.Cilium;

namespace BgpLab.Engine.Tests.Cilium;

public class CiliumBgpV2ConverterTests
{
    [Fact]
    public void Scenario_policy_becomes_valid_v2_objects_with_the_same_intent()
    {
        var result = CiliumBgpV2Converter.Convert(new[] { CiliumBgpPeeringPolicyTests.Rack(1) });
        var cluster = Assert.Single(result.ClusterConfigs);
        Assert.Equal("rack1", cluster.NodeSelector!.MatchLabels!["rack"]);
        var instance = Assert.Single(cluster.BgpInstances);
        Assert.Equal(65011, instance.LocalAsn);
        var peer = Assert.Single(instance.Peers);
        Assert.Equal("10.0.0.2", peer.PeerAddress);
        Assert.Equal(65011, peer.PeerAsn);
        var peerConfig = Assert.Single(result.PeerConfigs);
        Assert.Equal(peer.PeerConfigRef, peerConfig.Name);
        var advertisement = Assert.Single(result.Advertisements);
        Assert.Equal("PodCIDR", Assert.Single(advertisement.Advertisements).AdvertisementType);
        // Each family of the peer config selects the advertisement by its label.
        Assert.All(peerConfig.Families, f => Assert.True(f.Advertisements!.Matches(advertisement.Labels!)));
        foreach (var o in result.All)
            Assert.Empty(CiliumObjects.SchemaOf(o).Validate(o.ToJson()));
    }

    [Fact]
    public void Neighbor_options_and_service_selection_carry_over()
    {
        var policy = CiliumBgpPeeringPolicyTests.Rack(0);
        var router = policy.VirtualRouters[0];
        router.ServiceSelector = new CiliumLabelSelector { MatchLabels = new() { ["announce"] = "bgp" } };
        var n = router.Neighbors[0];
        n.PeerPort = 1179; n.HoldTimeSeconds = 9; n.KeepAliveTimeSeconds = 3; n.EbgpMultihopTtl = 3; n.AuthSecretRef = "secret";
        n.GracefulRestart = new CiliumBgpGracefulRestart { Enabled = true };
        n.Families = new() { new() { Afi = "ipv4", Safi = "unicast" } };
        n.AdvertisedPathAttributes = new() { new() { SelectorType = "PodCIDR", StandardCommunities = new() { "65010:1" } } };
        var result = CiliumBgpV2Converter.Convert(new[] { policy });
        var pc = Assert.Single(result.PeerConfigs);
        Assert.Equal((1179, 9, 3, 3, "secret", true), (pc.PeerPort!.Value, pc.HoldTimeSeconds!.Value, pc.KeepAliveTimeSeconds!.Value, pc.EbgpMultihop!.Value, pc.AuthSecretRef, pc.GracefulRestart!.Enabled));
        Assert.Equal("ipv4/unicast", Assert.Single(pc.Families).Family.ToString());
        var selected = result.Advertisements.Single(a => pc.Families[0].Advertisements!.Matches(a.Labels!));
        Assert.Equal(new[] { "PodCIDR", "Service" }, selected.Advertisements.Select(a => a.AdvertisementType));
        Assert.Equal("65010:1", Assert.Single(selected.Advertisements[0].StandardCommunities!));
        Assert.Equal("LoadBalancerIP", Assert.Single(selected.Advertisements[1].ServiceAddresses!));
        foreach (var o in result.All)
            Assert.Empty(CiliumObjects.SchemaOf(o).Validate(o.ToJson()));
    }
}
