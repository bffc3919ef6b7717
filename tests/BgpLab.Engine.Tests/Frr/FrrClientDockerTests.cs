using System.Net;
using BgpLab.Engine.Common;
using BgpLab.Engine.Frr;
using BgpLab.Engine.Tests.Common;

namespace BgpLab.Engine.Tests.Frr;

[Collection(DockerCollection.Name)]
public sealed class FrrClientDockerTests : IClassFixture<FrrRoutersFixture>
{
    private readonly FrrRoutersFixture _f;
    private readonly FrrClient _client;

    public FrrClientDockerTests(FrrRoutersFixture fixture)
    {
        _f = fixture;
        _client = new FrrClient(fixture.Docker);
    }

    private Task<IReadOnlyList<FrrBgpNeighbor>> WaitUpAsync() =>
        _client.WaitForSessionsAsync([_f.Target(_f.R1)], [_f.R2NumberedAddress, "eth1"], FrrBgpSessionState.Established, null,
            TimeSpan.FromSeconds(60), NullObserver.Instance, default);

    [Fact]
    public async Task SummaryShowsNumberedAndUnnumberedSessionsEstablishedWithTheirRemoteAs()
    {
        await WaitUpAsync();
        var peers = await _client.GetBgpSummaryAsync(_f.Target(_f.R1), null, "ipv4", default);
        var numbered = Assert.Single(peers, p => p.Neighbor == _f.R2NumberedAddress);
        Assert.Equal(FrrBgpSessionState.Established, numbered.State);
        Assert.Equal(65002, numbered.RemoteAs);
        Assert.Equal(65001, numbered.LocalAs);
        Assert.Equal("10.255.0.1", numbered.RouterId);
        Assert.Equal("r2", numbered.NeighborHostname);
        Assert.Equal("numbered-to-r2", numbered.Description);
        Assert.Equal("r1", numbered.Router);
        var unnumbered = Assert.Single(peers, p => p.Neighbor == "eth1");
        Assert.Equal(FrrBgpSessionState.Established, unnumbered.State);
        Assert.Equal(65002, unnumbered.RemoteAs);
        var silent = Assert.Single(peers, p => p.Neighbor == "192.0.2.99");
        Assert.NotEqual(FrrBgpSessionState.Established, silent.State);
    }

    [Fact]
    public async Task BgpTableHoldsThePeersNetworkWithItsAsPath()
    {
        await WaitUpAsync();
        await _client.WaitForRoutesAsync([_f.Target(_f.R1)], [IPNetwork.Parse("10.200.0.0/16")], 2, null, null, TimeSpan.FromSeconds(30), NullObserver.Instance, default);
        var routes = await _client.GetBgpRoutesAsync(_f.Target(_f.R1), null, null, null, default);
        var best = Assert.Single(routes, r => r.Prefix == IPNetwork.Parse("10.200.0.0/16") && r.IsBest);
        Assert.Equal(new long[] { 65002 }, best.AsPath);
        Assert.Equal("IGP", best.Origin);
        Assert.True(best.IsValid);
        Assert.NotNull(best.Peer);
        var own = Assert.Single(routes, r => r.Prefix == IPNetwork.Parse("10.100.0.0/16"));
        Assert.Empty(own.AsPath);
        Assert.Equal(32768, own.Weight);
    }

    [Fact]
    public async Task RibHasTheBgpRouteInstalledAndNeighborsCarryDetail()
    {
        await WaitUpAsync();
        await _client.WaitForRoutesAsync([_f.Target(_f.R1)], [IPNetwork.Parse("10.200.0.0/16")], null, null, null, TimeSpan.FromSeconds(30), NullObserver.Instance, default);
        var rib = await _client.GetRibAsync(_f.Target(_f.R1), null, null, default);
        Assert.Contains(rib, r => r.Prefix == IPNetwork.Parse("10.200.0.0/16") && r.Protocol == "bgp" && r.IsSelected);
        var neighbors = await _client.GetBgpNeighborsAsync(_f.Target(_f.R1), null, default);
        var eth1 = Assert.Single(neighbors, n => n.Neighbor == "eth1");
        Assert.StartsWith("fe80::", eth1.NeighborAddress);
        Assert.Equal(TimeSpan.FromSeconds(180), eth1.ConfiguredHoldTime);
        Assert.True(eth1.Capabilities.ContainsKey("4byteAs"));
        var silent = Assert.Single(neighbors, n => n.Neighbor == "192.0.2.99");
        Assert.False(string.IsNullOrEmpty(silent.LastResetReason));
    }

    [Fact]
    public async Task WaitTimeoutListsEachSessionsStateAndResetReason()
    {
        var e = await Assert.ThrowsAsync<BgpLabException>(() => _client.WaitForSessionsAsync([_f.Target(_f.R1)], ["192.0.2.99", "198.51.100.1"],
            FrrBgpSessionState.Established, null, TimeSpan.FromSeconds(2), NullObserver.Instance, default, TimeSpan.FromMilliseconds(500)));
        Assert.Equal("FrrBgpSessionTimeout", e.ErrorId);
        Assert.Contains("r1 192.0.2.99 (AS 65099): ", e.Message);
        Assert.Contains("last reset:", e.Message);
        Assert.Contains("198.51.100.1: not configured on r1", e.Message);
    }

    [Fact]
    public async Task WaitForRoutesTimesOutNamingTheShortfall()
    {
        var e = await Assert.ThrowsAsync<BgpLabException>(() => _client.WaitForRoutesAsync([_f.Target(_f.R1)], [IPNetwork.Parse("10.99.0.0/16")], 50,
            null, null, TimeSpan.FromSeconds(1), NullObserver.Instance, default, TimeSpan.FromMilliseconds(300)));
        Assert.Contains("r1: missing 10.99.0.0/16", e.Message);
        Assert.Contains("of 50 prefixes", e.Message);
    }

    [Fact]
    public async Task SeveralCommandsRunInOneVtyshCall()
    {
        var text = await _client.RunTextAsync(_f.Target(_f.R1), ["show bgp ipv4 summary json", "show bgp neighbors json"], default);
        var documents = FrrClient.ParseJsonDocuments("r1", text);
        Assert.Equal(2, documents.Count);
        Assert.True(documents[0].RootElement.TryGetProperty("ipv4Unicast", out _));
    }

    [Fact]
    public async Task LabAndNodeNamesResolveThroughContainerlabLabels()
    {
        var targets = await FrrTargetResolver.ResolveLabAsync(_f.Docker, _f.Lab, ["r2", "r1"], default);
        Assert.Equal(new[] { "r2", "r1" }, targets.Select(t => t.Router));
        Assert.Equal(new[] { _f.R2, _f.R1 }, targets.Select(t => t.Container));
        var e = await Assert.ThrowsAsync<BgpLabException>(() => FrrTargetResolver.ResolveLabAsync(_f.Docker, _f.Lab, ["r9"], default));
        Assert.Contains("no node 'r9'", e.Message);
        Assert.Contains("r1, r2", e.Message);
        var byContainer = await FrrTargetResolver.ResolveContainerAsync(_f.Docker, _f.R1, default);
        Assert.Equal("r1", byContainer.Router);
        Assert.Equal(_f.Lab, byContainer.Lab);
        var missing = await Assert.ThrowsAsync<BgpLabException>(() => FrrTargetResolver.ResolveContainerAsync(_f.Docker, _f.R1 + "-gone", default));
        Assert.Equal("FrrContainerNotFound", missing.ErrorId);
    }

    [Fact]
    public async Task RouterWithoutBgpdGivesAClearErrorNamingIt()
    {
        var e = await Assert.ThrowsAsync<BgpLabException>(() => _client.GetBgpSummaryAsync(_f.Target(_f.NoBgpd), null, null, default));
        Assert.Equal("FrrBgpdNotRunning", e.ErrorId);
        Assert.Contains("'nobgpd'", e.Message);
        Assert.Contains(_f.NoBgpd, e.Message);
    }

    [Fact]
    public async Task ContainerWithoutRunningFrrGivesAClearError()
    {
        var e = await Assert.ThrowsAsync<BgpLabException>(() => _client.GetBgpSummaryAsync(_f.Target(_f.NotStarted), null, null, default));
        Assert.Equal("FrrNotRunning", e.ErrorId);
        Assert.Contains("'stopped'", e.Message);
    }

    [Fact]
    public async Task NonFrrContainerGivesAClearError()
    {
        var e = await Assert.ThrowsAsync<BgpLabException>(() => _client.GetBgpRoutesAsync(_f.Target(_f.NoVtysh), null, null, null, default));
        Assert.Equal("FrrVtyshNotFound", e.ErrorId);
        Assert.Contains("is not an FRR router", e.Message);
        var text = await Assert.ThrowsAsync<BgpLabException>(() => _client.RunTextAsync(_f.Target(_f.NoVtysh), ["show version"], default));
        Assert.Equal("FrrVtyshNotFound", text.ErrorId);
    }

    [Fact]
    public async Task VtyshErrorsNameTheRouterAndTheCommand()
    {
        var e = await Assert.ThrowsAsync<BgpLabException>(() => _client.RunTextAsync(_f.Target(_f.R1), ["show bgp nonsense"], default));
        Assert.Equal("FrrVtyshError", e.ErrorId);
        Assert.Contains("'r1'", e.Message);
        Assert.Contains("show bgp nonsense", e.Message);
        Assert.Contains("Unknown command", e.Message);
    }

    [Fact]
    public async Task ManyRoutersAreQueriedTogetherAndOneFailureDoesNotHideTheOthers()
    {
        await WaitUpAsync();
        var results = await FrrClient.ForEachRouterAsync([_f.Target(_f.R1), _f.Target(_f.NoBgpd), _f.Target(_f.R2)],
            (t, ct) => _client.GetBgpSummaryAsync(t, null, null, ct), default);
        Assert.NotEmpty(results[0].Items);
        Assert.Equal("FrrBgpdNotRunning", results[1].Error?.ErrorId);
        Assert.NotEmpty(results[2].Items);
        Assert.All(results[2].Items, p => Assert.Equal("r2", p.Router));
    }
}
