using BgpLab.Engine.Cilium;
using BgpLab.Engine.Common;
using BgpLab.Engine.Kube;
using BgpLab.Engine.Tests.Kube;
using BgpLab.Testing.KubeApiDouble;
using k8s;

namespace BgpLab.Engine.Tests.Cilium;

/// <summary>An API-server double serving Cilium's real BGP CRDs (src/BgpLab.Engine/Cilium/Crds).</summary>
public sealed class CiliumTestCluster : IAsyncDisposable
{
    private CiliumTestCluster(KubeApiDoubleServer server, string directory, KubeConnection connection)
    {
        Server = server; Directory = directory; Connection = connection;
    }

    public KubeApiDoubleServer Server { get; }
    public string Directory { get; }
    public string Kubeconfig => Path.Combine(Directory, "config");
    public KubeConnection Connection { get; }

    public static async Task<CiliumTestCluster> StartAsync(bool withCiliumCrds = true)
    {
        var server = await KubeApiDoubleServer.StartAsync(new KubeApiDoubleOptions
        {
            CrdDirectories = withCiliumCrds ? [Path.Combine(KubeTestCluster.FixturesDirectory, "..", "..", "src", "BgpLab.Engine", "Cilium", "Crds")] : [],
        });
        var dir = System.IO.Directory.CreateTempSubdirectory("bgplab-cilium-").FullName;
        server.WriteKubeconfig(Path.Combine(dir, "config"), "double");
        return new CiliumTestCluster(server, dir, KubeConnection.Resolve(Path.Combine(dir, "config"), "double"));
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}

public sealed class CiliumBgpApiTests : IAsyncLifetime
{
    private CiliumTestCluster _cluster = null!;
    public async Task InitializeAsync() => _cluster = await CiliumTestCluster.StartAsync();
    public async Task DisposeAsync() => await _cluster.DisposeAsync();
    private KubeConnection Connection => _cluster.Connection;

    [Fact]
    public async Task Scenario_policies_built_from_parameters_are_accepted_read_back_equal_and_match_the_file()
    {
        var file = CiliumBgpPolicyFile.Read(Path.Combine(CiliumBgpPeeringPolicyTests.ScenarioDir, "cilium-bgp-peering-policies.yaml"));
        foreach (var rack in new[] { 0, 1 })
        {
            var built = CiliumBgpPeeringPolicyTests.Rack(rack);
            var stored = await CiliumBgpApi.ApplyAsync(Connection, built, default);
            Assert.False(string.IsNullOrEmpty(stored["metadata"]!["resourceVersion"]?.ToString()));
            var read = CiliumBgpPeeringPolicy.FromJson((await CiliumBgpApi.GetAsync(Connection, CiliumBgpPeeringPolicy.ApiVersion, CiliumBgpPeeringPolicy.Plural, $"rack{rack}", default))!);
            Assert.True(read.IsEquivalentTo(built));
            Assert.True(read.IsEquivalentTo(file[rack]));
            Assert.Equal(built.VirtualRouters[0].LocalAsn, read.VirtualRouters[0].LocalAsn);
            Assert.Equal(built.VirtualRouters[0].Neighbors[0].PeerAddress, read.VirtualRouters[0].Neighbors[0].PeerAddress);
        }
        var all = await CiliumBgpApi.ListAsync(Connection, CiliumBgpPeeringPolicy.ApiVersion, CiliumBgpPeeringPolicy.Plural, default);
        Assert.Equal(new[] { "rack0", "rack1" }, all.Select(o => o["metadata"]!["name"]!.ToString()).Order());
        // Applying again is idempotent (server-side apply, same field manager).
        await CiliumBgpApi.ApplyAsync(Connection, CiliumBgpPeeringPolicyTests.Rack(0), default);
        Assert.True(await CiliumBgpApi.DeleteAsync(Connection, CiliumBgpPeeringPolicy.ApiVersion, CiliumBgpPeeringPolicy.Plural, "rack0", default));
        Assert.False(await CiliumBgpApi.DeleteAsync(Connection, CiliumBgpPeeringPolicy.ApiVersion, CiliumBgpPeeringPolicy.Plural, "rack0", default));
        Assert.Null(await CiliumBgpApi.GetAsync(Connection, CiliumBgpPeeringPolicy.ApiVersion, CiliumBgpPeeringPolicy.Plural, "rack0", default));
    }

    [Theory]
    [InlineData(0L, "spec.virtualRouters[0].localASN")]
    [InlineData(4294967296L, "spec.virtualRouters[0].localASN")]
    public async Task Invalid_asn_is_refused_before_sending_with_the_field_path(long asn, string path)
    {
        var policy = CiliumBgpPeeringPolicyTests.Rack(0);
        policy.VirtualRouters[0].LocalAsn = asn;
        var e = await Assert.ThrowsAsync<BgpLabException>(() => CiliumBgpApi.ApplyAsync(Connection, policy, default));
        Assert.Equal("CiliumObjectInvalid", e.ErrorId);
        Assert.Contains(path, e.Message);
        Assert.Null(await CiliumBgpApi.GetAsync(Connection, CiliumBgpPeeringPolicy.ApiVersion, CiliumBgpPeeringPolicy.Plural, "rack0", default));
    }

    [Fact]
    public async Task The_servers_own_422_for_what_slips_past_the_client_is_a_clear_error()
    {
        // The double validates with the same CRD: send a bad CIDR without the client-side check.
        var json = CiliumBgpPeeringPolicyTests.Rack(0).ToJson();
        json["spec"]!["virtualRouters"]![0]!["neighbors"]![0]!["peerAddress"] = "10.0.0.1";
        var e = await Assert.ThrowsAsync<BgpLabException>(() => KubeErrors.Call(Connection, "Applying CiliumBGPPeeringPolicy rack0", () =>
            Connection.Client.CustomObjects.PatchClusterCustomObjectAsync(new k8s.Models.V1Patch(json.ToJsonString(), k8s.Models.V1Patch.PatchType.ApplyPatch),
                "cilium.io", "v2alpha1", "ciliumbgppeeringpolicies", "rack0", fieldManager: "bgplab", fieldValidation: "Strict", force: true)));
        Assert.Equal("KubeObjectInvalid", e.ErrorId);
        Assert.Contains("spec.virtualRouters[0].neighbors[0].peerAddress", e.Message);
    }

    [Fact]
    public async Task The_servers_strict_field_validation_names_an_unknown_field()
    {
        var json = CiliumBgpPeeringPolicyTests.Rack(0).ToJson();
        json["spec"]!["virtualRouters"]![0]!["neighbors"]![0]!["peerAsn"] = 65010;
        var e = await Assert.ThrowsAsync<BgpLabException>(() => KubeErrors.Call(Connection, "Applying CiliumBGPPeeringPolicy rack0", () =>
            Connection.Client.CustomObjects.PatchClusterCustomObjectAsync(new k8s.Models.V1Patch(json.ToJsonString(), k8s.Models.V1Patch.PatchType.ApplyPatch),
                "cilium.io", "v2alpha1", "ciliumbgppeeringpolicies", "rack0", fieldManager: "bgplab", fieldValidation: "Strict", force: true)));
        Assert.Contains("unknown field", e.Message);
        Assert.Contains("peerAsn", e.Message);
        // The client-side check catches it first, with the same field.
        Assert.Contains(CiliumBgpPeeringPolicy.Schema.Validate(json), f => f.FieldPath == "spec.virtualRouters[0].neighbors[0].peerAsn");
    }

    [Fact]
    public async Task Converted_v2_objects_are_accepted_by_the_v2_crds()
    {
        var support = await CiliumBgpApi.DetectAsync(Connection, default);
        Assert.True(support.PeeringPolicyV1);
        Assert.Equal("v2", support.V2Version);
        var result = CiliumBgpV2Converter.Convert(new[] { CiliumBgpPeeringPolicyTests.Rack(0), CiliumBgpPeeringPolicyTests.Rack(1) });
        foreach (var o in result.All) await CiliumBgpApi.ApplyAsync(Connection, o, default);
        var stored = await CiliumBgpApi.ListAsync(Connection, "cilium.io/v2", "ciliumbgpclusterconfigs", default);
        Assert.Equal(2, stored.Count);
        var rack1 = CiliumBgpClusterConfig.FromJson(stored.Single(s => s["metadata"]!["name"]!.ToString() == "rack1"));
        Assert.Equal(65011, rack1.BgpInstances[0].LocalAsn);
    }

    [Fact]
    public async Task A_cluster_without_the_crds_gets_an_error_naming_what_to_use()
    {
        await using var bare = await CiliumTestCluster.StartAsync(withCiliumCrds: false);
        var e = await Assert.ThrowsAsync<BgpLabException>(() => CiliumBgpApi.EnsureServedAsync(bare.Connection, CiliumBgpPeeringPolicy.KindName, default));
        Assert.Equal("CiliumBgpV1NotServed", e.ErrorId);
        Assert.Contains("Install-Cilium -EnableBgpControlPlane", e.RecommendedAction);
    }
}
