using System.Net;
using BgpLab.Engine.Common;
using BgpLab.Engine.Frr;
using BgpLab.Engine.Tests.Common;
using BgpLab.Engine.Tests.Fixtures;

namespace BgpLab.Engine.Tests.Frr;

/// <summary>
/// The scenario's BGP story on real FRR: the fabric deployed on Kind-node stand-ins, then gobgpd stand-ins
/// for Cilium in the four nodes. Uses the scenario's fixed names: run under flock /tmp/bgplab-docker.lock.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class FrrScenarioTests : IAsyncLifetime
{
    private static readonly string[] FabricRoutes =
        ["10.0.0.0/32", "172.20.20.0/24", "10.0.0.1/32", "10.0.1.0/24", "10.0.2.0/24", "10.0.0.2/32", "10.0.3.0/24", "10.0.4.0/24"];

    private static readonly string[] PodCidrs = ["10.1.0.0/24", "10.1.1.0/24", "10.1.2.0/24", "10.1.3.0/24"];

    private readonly ScenarioFabricFixture _fabric = new();
    private readonly FrrClient _frr = new(BgpLab.Engine.Docker.DockerEngine.Default);

    public Task InitializeAsync() => _fabric.InitializeAsync();

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var node in ScenarioFabricFixture.KindNodes) await GobgpStandIn.RemoveAsync(_fabric.Docker, node, default);
        }
        finally
        {
            await _fabric.DisposeAsync();
        }
    }

    [Fact]
    public async Task SessionsAndRoutesBeforeAndAfterTheNodeSpeakers()
    {
        await _fabric.DeployFabricAsync();
        var routers = await FrrTargetResolver.ResolveLabAsync(_fabric.Docker, ScenarioFabricFixture.LabName, ["tor0", "tor1", "router0"], default);
        var router0 = routers.Where(r => r.Router == "router0").ToList();

        // The fabric converges: router0–tor sessions Established (unnumbered, over net0/net1) with the right ASNs.
        await _frr.WaitForSessionsAsync(routers, ["net0", "net1"], FrrBgpSessionState.Established, null, TimeSpan.FromSeconds(90), NullObserver.Instance, default);
        await _frr.WaitForRoutesAsync(router0, FabricRoutes.Select(IPNetwork.Parse).ToList(), 8, null, null, TimeSpan.FromSeconds(60), NullObserver.Instance, default);
        var peers = (await FrrClient.ForEachRouterAsync(routers, (t, ct) => _frr.GetBgpSummaryAsync(t, null, "ipv4", ct), default))
            .SelectMany(r => r.Error is null ? r.Items : throw r.Error).ToList();
        Assert.Equal(65000, peers.Single(p => p.Router == "tor0" && p.Neighbor == "net0").RemoteAs);
        Assert.Equal(65000, peers.Single(p => p.Router == "tor1" && p.Neighbor == "net0").RemoteAs);
        Assert.Equal(65010, peers.Single(p => p.Router == "router0" && p.Neighbor == "net0").RemoteAs);
        Assert.Equal(65011, peers.Single(p => p.Router == "router0" && p.Neighbor == "net1").RemoteAs);
        Assert.All(peers.Where(p => p.Neighbor.StartsWith("net", StringComparison.Ordinal)), p => Assert.Equal(FrrBgpSessionState.Established, p.State));

        // Before the node speakers exist, tor0's sessions to the nodes are not Established.
        var tor0Nodes = peers.Where(p => p.Router == "tor0" && p.Neighbor is "10.0.1.2" or "10.0.2.2").ToList();
        Assert.Equal(2, tor0Nodes.Count);
        Assert.All(tor0Nodes, p => Assert.NotEqual(FrrBgpSessionState.Established, p.State));
        var tor0Detail = await _frr.GetBgpNeighborsAsync(routers.Single(r => r.Router == "tor0"), null, default);
        Assert.All(tor0Detail.Where(n => n.Neighbor is "10.0.1.2" or "10.0.2.2"), n => Assert.Equal(65010, n.RemoteAs));

        // router0 holds exactly the 8 fabric routes.
        var before = await _frr.GetBgpRoutesAsync(router0[0], null, null, r => r.IsBest, default);
        Assert.Equal(FabricRoutes.Order(), before.Select(r => r.Prefix.ToString()).Order());

        // gobgpd stand-ins for Cilium: node IP, rack ASN, Pod CIDR, peering the rack's ToR loopback.
        foreach (var spec in GobgpStandIn.ScenarioSpecs()) await GobgpStandIn.StartAsync(_fabric.Docker, spec, NullObserver.Instance, default);

        var nodeSessions = await _frr.WaitForSessionsAsync(routers.Where(r => r.Router != "router0").ToList(),
            ["10.0.1.2", "10.0.2.2", "10.0.3.2", "10.0.4.2"], FrrBgpSessionState.Established, null, TimeSpan.FromSeconds(90), NullObserver.Instance, default);
        Assert.Equal(4, nodeSessions.Count);
        Assert.Equal(new long?[] { 65010, 65010 }, nodeSessions.Where(n => n.Router == "tor0").Select(n => n.RemoteAs));
        Assert.Equal(new long?[] { 65011, 65011 }, nodeSessions.Where(n => n.Router == "tor1").Select(n => n.RemoteAs));

        await _frr.WaitForRoutesAsync(router0, PodCidrs.Select(IPNetwork.Parse).ToList(), 12, null, null, TimeSpan.FromSeconds(60), NullObserver.Instance, default);
        var after = await _frr.GetBgpRoutesAsync(router0[0], null, null, r => r.IsBest, default);
        Assert.Equal(FabricRoutes.Concat(PodCidrs).Order(), after.Select(r => r.Prefix.ToString()).Order());
        var pod0 = after.Single(r => r.Prefix == IPNetwork.Parse("10.1.0.0/24"));
        Assert.Equal(new long[] { 65010 }, pod0.AsPath);
    }
}
