using System.Text.Json.Nodes;
using BgpLab.Engine.Cilium;
using BgpLab.Engine.Common;
using BgpLab.Engine.Frr;

namespace BgpLab.Engine.Tests.Cilium;

public sealed class CiliumBgpPeerTests : IAsyncLifetime
{
    private CiliumTestCluster _cluster = null!;
    public async Task InitializeAsync() => _cluster = await CiliumTestCluster.StartAsync();
    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>A CiliumBGPNodeConfig as the v2 operator/agent write it for a scenario node (checked against the real CRD below).</summary>
    private static JsonObject NodeConfig(string node, string peer, long asn, string state, string? established, int received, int advertised) => new()
    {
        ["apiVersion"] = "cilium.io/v2", ["kind"] = "CiliumBGPNodeConfig",
        ["metadata"] = new JsonObject { ["name"] = node },
        ["spec"] = new JsonObject
        {
            ["bgpInstances"] = new JsonArray(new JsonObject
            {
                ["name"] = $"instance-{asn}", ["localASN"] = asn,
                ["peers"] = new JsonArray(new JsonObject { ["name"] = $"peer-{peer}", ["peerAddress"] = peer, ["peerASN"] = asn, ["peerConfigRef"] = new JsonObject { ["name"] = "rack" } }),
            }),
        },
        ["status"] = new JsonObject
        {
            ["bgpInstances"] = new JsonArray(new JsonObject
            {
                ["name"] = $"instance-{asn}", ["localASN"] = asn,
                ["peers"] = new JsonArray(new JsonObject
                {
                    ["name"] = $"peer-{peer}", ["peerAddress"] = peer, ["peerASN"] = asn, ["peeringState"] = state,
                    ["routeCount"] = new JsonArray(new JsonObject { ["afi"] = "ipv4", ["safi"] = "unicast", ["received"] = received, ["advertised"] = advertised }),
                }),
            }),
        },
    };

    private static JsonObject NodeConfigEstablishedAt(JsonObject config, string? established)
    {
        if (established is not null) config["status"]!["bgpInstances"]![0]!["peers"]![0]!["establishedTime"] = established;
        return config;
    }

    [Fact]
    public async Task V2_sessions_are_read_from_the_node_configs_status_with_frr_property_names()
    {
        var established = DateTimeOffset.UtcNow.AddMinutes(-5);
        var configs = new[]
        {
            NodeConfigEstablishedAt(NodeConfig("clab-bgp-cplane-demo-worker", "10.0.0.1", 65010, "established", null, 10, 1), established.ToString("yyyy-MM-ddTHH:mm:ssZ")),
            NodeConfig("clab-bgp-cplane-demo-worker2", "10.0.0.2", 65011, "active", null, 0, 0),
        };
        foreach (var c in configs)
        {
            Assert.Empty(CiliumCrdSchema.For("CiliumBGPNodeConfig", "v2").Validate(c));
            _cluster.Server.Seed(c);
        }
        var peers = (await CiliumBgpSessions.GetPeersAsync(_cluster.Connection, NullObserver.Instance, default)).OrderBy(p => p.Router).ToList();
        Assert.Equal(2, peers.Count);
        Assert.Equal(("clab-bgp-cplane-demo-worker", "10.0.0.1", 65010L, 65010L, FrrBgpSessionState.Established, 10L, 1L),
            (peers[0].Router, peers[0].Neighbor, peers[0].LocalAs, peers[0].RemoteAs, peers[0].State, peers[0].PrefixesReceived, peers[0].PrefixesSent));
        Assert.InRange(peers[0].Uptime!.Value.TotalMinutes, 4.9, 6);
        Assert.Equal(FrrBgpSessionState.Active, peers[1].State);
        Assert.Null(peers[1].Uptime);
    }

    [Fact]
    public async Task V1_without_agents_says_so()
    {
        var e = await Assert.ThrowsAsync<BgpLabException>(() => CiliumBgpSessions.GetPeersAsync(_cluster.Connection, NullObserver.Instance, default));
        Assert.Equal("CiliumAgentsNotRunning", e.ErrorId);
    }

    [Fact]
    public void Agent_json_is_read_into_the_same_shape()
    {
        // Field names of the agent API's BgpPeer model (api/v1/openapi.yaml), as cilium-dbg bgp peers -o json prints them.
        const string json = """
        [{"applied-hold-time-seconds":90,"applied-keep-alive-time-seconds":30,"configured-hold-time-seconds":90,"configured-keep-alive-time-seconds":30,
          "families":[{"accepted":2,"advertised":1,"afi":"ipv4","received":2,"safi":"unicast"},{"accepted":0,"advertised":0,"afi":"ipv6","received":0,"safi":"unicast"}],
          "graceful-restart":{},"local-asn":65010,"peer-address":"10.0.0.1","peer-asn":65010,"peer-port":179,"session-state":"established","uptime-nanoseconds":125000000000}]
        """;
        var peer = Assert.Single(CiliumBgpPeer.FromAgentJson("clab-bgp-cplane-demo-control-plane", json));
        Assert.Equal(("10.0.0.1", 65010L, FrrBgpSessionState.Established, 2L, 1L), (peer.Neighbor, peer.RemoteAs, peer.State, peer.PrefixesReceived, peer.PrefixesSent));
        Assert.Equal(TimeSpan.FromSeconds(125), peer.Uptime);
    }

    [Fact]
    public void Agent_route_json_is_read_per_prefix()
    {
        // Field names of the agent API's BgpRoute model, as cilium-dbg bgp routes advertised ipv4 unicast -o json prints them.
        const string json = """
        [{"neighbor":"10.0.0.1","paths":[{"age-nanoseconds":1000,"best":true,"family":{"afi":"ipv4","safi":"unicast"},"nlri":{"base64":"GAoBAA=="},"path-attributes-base64":[]}],"prefix":"10.1.0.0/24","router-asn":65010}]
        """;
        var route = Assert.Single(CiliumBgpRoute.FromAgentJson("clab-bgp-cplane-demo-control-plane", "advertised", json));
        Assert.Equal(("10.1.0.0/24", "10.0.0.1", 65010L, "advertised"), (route.Prefix, route.Neighbor, route.LocalAs!.Value, route.Direction));
    }

    [Theory]
    [InlineData("established", FrrBgpSessionState.Established)]
    [InlineData("BGP_FSM_OPENCONFIRM", FrrBgpSessionState.OpenConfirm)]
    [InlineData("idle", FrrBgpSessionState.Idle)]
    [InlineData("something-new", FrrBgpSessionState.Unknown)]
    public void States_are_frr_session_states(string raw, FrrBgpSessionState expected) => Assert.Equal(expected, CiliumBgpPeer.NormalizeState(raw));
}
