using System.Text.Json.Nodes;
using BgpLab.Engine.Cilium;

namespace BgpLab.Engine.Tests.Cilium;

public class CiliumBgpPeeringPolicyTests
{
    /// <summary>shared/scenario, found above the test binaries (worktrees and the main checkout sit at different depths).</summary>
    internal static readonly string ScenarioDir = FindScenario();

    private static string FindScenario()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "scenario");
            if (File.Exists(Path.Combine(candidate, "topo.yaml"))) return candidate;
        }
        throw new DirectoryNotFoundException("shared/scenario not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The scenario's two policies as the cmdlets build them from parameters.</summary>
    internal static CiliumBgpPeeringPolicy Rack(int rack) => new()
    {
        Name = $"rack{rack}",
        NodeSelector = new CiliumLabelSelector { MatchLabels = new() { ["rack"] = $"rack{rack}" } },
        VirtualRouters =
        {
            new CiliumBgpVirtualRouter
            {
                LocalAsn = 65010 + rack,
                ExportPodCidr = true,
                Neighbors = { new CiliumBgpNeighbor { PeerAddress = $"10.0.0.{rack + 1}/32", PeerAsn = 65010 + rack } },
            },
        },
    };

    private static List<CiliumBgpPeeringPolicy> ScenarioFile() =>
        CiliumBgpPolicyFile.Read(Path.Combine(ScenarioDir, "cilium-bgp-peering-policies.yaml"));

    [Fact]
    public void Scenario_policies_built_from_parameters_mean_what_the_scenario_file_says()
    {
        var file = ScenarioFile();
        Assert.Equal(new[] { "rack0", "rack1" }, file.Select(p => p.Name));
        Assert.True(Rack(0).IsEquivalentTo(file[0]));
        Assert.True(Rack(1).IsEquivalentTo(file[1]));
        Assert.False(Rack(0).IsEquivalentTo(file[1]));
        Assert.Empty(file[0].Validate());
        Assert.Empty(Rack(1).Validate());
    }

    [Fact]
    public void Scenario_file_round_trips_through_export_and_import()
    {
        var file = ScenarioFile();
        var text = CiliumBgpPolicyFile.Write(file);
        var again = CiliumBgpPolicyFile.Parse(text, "exported.yaml");
        Assert.Equal(2, again.Count);
        Assert.True(again[0].IsEquivalentTo(file[0]));
        Assert.True(again[1].IsEquivalentTo(file[1]));
        // Exactly the file's objects (not only equivalent after defaults): same JSON trees.
        var original = CiliumYaml.ParseDocuments(File.ReadAllText(Path.Combine(ScenarioDir, "cilium-bgp-peering-policies.yaml")), "scenario");
        Assert.True(CiliumYaml.DeepEquals(original[0].Node, again[0].ToJson()), again[0].ToJson().ToJsonString());
        Assert.True(CiliumYaml.DeepEquals(original[1].Node, again[1].ToJson()));
    }

    [Theory]
    [InlineData(0L, "spec.virtualRouters[0].localASN", "reserved")]
    [InlineData(4294967296L, "spec.virtualRouters[0].localASN", "4294967296")]
    public void Out_of_range_local_asn_is_refused_with_its_field_path(long asn, string path, string text)
    {
        var policy = Rack(0);
        policy.VirtualRouters[0].LocalAsn = asn;
        var error = Assert.Single(policy.Validate());
        Assert.Equal(path, error.FieldPath);
        Assert.Contains(text, error.Message);
    }

    [Fact]
    public void Peer_asn_zero_and_too_large_are_refused()
    {
        var policy = Rack(1);
        policy.VirtualRouters[0].Neighbors[0].PeerAsn = 0;
        Assert.Equal("spec.virtualRouters[0].neighbors[0].peerASN", Assert.Single(policy.Validate()).FieldPath);
        policy.VirtualRouters[0].Neighbors[0].PeerAsn = 5_000_000_000;
        Assert.Equal("spec.virtualRouters[0].neighbors[0].peerASN", Assert.Single(policy.Validate()).FieldPath);
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("10.0.0.1/33")]
    [InlineData("10.0.0/24")]
    [InlineData("not-an-address/32")]
    public void Bad_peer_cidr_is_refused_with_its_field_path(string address)
    {
        var policy = Rack(0);
        policy.VirtualRouters[0].Neighbors[0].PeerAddress = address;
        var error = Assert.Single(policy.Validate());
        Assert.Equal("spec.virtualRouters[0].neighbors[0].peerAddress", error.FieldPath);
    }

    [Fact]
    public void Unknown_field_is_refused_with_its_field_path()
    {
        var json = Rack(0).ToJson();
        json["spec"]!["virtualRouters"]![0]!["neighbours"] = new JsonArray();
        var errors = CiliumBgpPeeringPolicy.Schema.Validate(json);
        Assert.Contains(errors, e => e.FieldPath == "spec.virtualRouters[0].neighbours" && e.Message.Contains("unknown field"));
    }

    [Fact]
    public void Every_neighbor_option_of_the_crd_is_accepted_and_survives_a_round_trip()
    {
        var policy = Rack(0);
        policy.VirtualRouters[0].ServiceSelector = new CiliumLabelSelector { MatchExpressions = new() { new() { Key = "announce", Operator = "Exists" } } };
        policy.VirtualRouters[0].PodIPPoolSelector = new CiliumLabelSelector { MatchLabels = new() { ["pool"] = "blue" } };
        policy.VirtualRouters[0].ServiceAdvertisements = new() { "LoadBalancerIP", "ClusterIP" };
        var n = policy.VirtualRouters[0].Neighbors[0];
        n.PeerPort = 1179; n.AuthSecretRef = "bgp-auth"; n.EbgpMultihopTtl = 4;
        n.ConnectRetryTimeSeconds = 10; n.HoldTimeSeconds = 9; n.KeepAliveTimeSeconds = 3;
        n.GracefulRestart = new CiliumBgpGracefulRestart { Enabled = true, RestartTimeSeconds = 60 };
        n.Families = new() { new() { Afi = "ipv4", Safi = "unicast" } };
        n.AdvertisedPathAttributes = new() { new() { SelectorType = "PodCIDR", StandardCommunities = new() { "65010:100" }, LocalPreference = 200 } };
        Assert.Empty(policy.Validate());
        var back = CiliumBgpPolicyFile.Parse(CiliumBgpPolicyFile.Write(new[] { policy }), "x.yaml").Single();
        Assert.True(CiliumYaml.DeepEquals(policy.ToJson(), back.ToJson()));
        n.AdvertisedPathAttributes[0].StandardCommunities = new() { "65010:65536" };
        var community = Assert.Single(policy.Validate());
        Assert.Equal("spec.virtualRouters[0].neighbors[0].advertisedPathAttributes[0].communities.standard[0]", community.FieldPath);
        Assert.Contains("does not match pattern", community.Message);
        n.AdvertisedPathAttributes[0].StandardCommunities = new() { "65010:100" };
        n.HoldTimeSeconds = 2;
        Assert.Equal("spec.virtualRouters[0].neighbors[0].holdTimeSeconds", Assert.Single(policy.Validate()).FieldPath);
    }
}
