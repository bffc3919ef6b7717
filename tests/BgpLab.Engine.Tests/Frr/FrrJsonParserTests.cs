using System.Net;
using BgpLab.Engine.Common;
using BgpLab.Engine.Frr;

namespace BgpLab.Engine.Tests.Frr;

public class FrrJsonParserTests
{
    private static byte[] Fixture(string path) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Frr", "Fixtures", path));

    public static IEnumerable<object[]> AllJsonFixtures() =>
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Frr", "Fixtures"), "*.json", SearchOption.AllDirectories)
            .Select(f => new object[] { Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "Frr", "Fixtures"), f) });

    [Theory]
    [MemberData(nameof(AllJsonFixtures))]
    public void EveryFixtureParsesWithTheParserForItsCommand(string fixture)
    {
        var json = Fixture(fixture);
        var name = Path.GetFileName(fixture);
        int count;
        if (name.Contains("summary")) count = FrrJsonParser.ParseBgpSummary(json, "r1").Count;
        else if (name.Contains("neighbors")) count = FrrJsonParser.ParseBgpNeighbors(json, "r1").Count;
        else if (name.Contains("route")) count = FrrJsonParser.ParseRib(json, "r1").Count;
        else count = FrrJsonParser.ParseBgpRoutes(json, "r1").Count;
        Assert.True(count > 0, $"{fixture} gave no objects");
    }

    [Fact]
    public void Frr84SummaryGivesEveryPeerWithItsStateCountersAndUnnumberedInterface()
    {
        var peers = FrrJsonParser.ParseBgpSummary(Fixture("frr-8.4/bgp-ipv4-summary.json"), "frra", "c1");
        Assert.Equal(new[] { "eth2", "10.9.9.9", "192.168.1.2", "192.168.1.99", "2001:db8::2" }, peers.Select(p => p.Neighbor));
        Assert.All(peers, p => Assert.Equal("ipv4Unicast", p.AddressFamily));
        Assert.All(peers, p => Assert.Equal(65001, p.LocalAs));
        Assert.All(peers, p => Assert.Equal("10.255.0.1", p.RouterId));
        var unnumbered = peers[0];
        Assert.Equal("frrb", unnumbered.NeighborHostname);
        Assert.Equal(65002, unnumbered.RemoteAs);
        Assert.Equal(FrrBgpSessionState.Established, unnumbered.State);
        Assert.Equal(TimeSpan.FromSeconds(20), unnumbered.Uptime);
        Assert.Equal(5, unnumbered.PrefixesReceived);
        Assert.Equal(8, unnumbered.PrefixesSent);
        Assert.Equal(17, unnumbered.MessagesIn);
        Assert.Equal(18, unnumbered.MessagesOut);
        Assert.Equal(FrrBgpSessionState.AdminShutdown, peers[1].State);
        Assert.Null(peers[1].Uptime);
        Assert.Equal("to-frrb-numbered", peers[2].Description);
        Assert.Equal(FrrBgpSessionState.Active, peers[3].State);
        Assert.Equal("c1", peers[0].Container);
    }

    [Fact]
    public void SummaryOfOneFamilyWithoutWrapperUsesTheRequestedFamily()
    {
        var peers = FrrJsonParser.ParseBgpSummary(Fixture("frr-8.4/bgp-ipv6-unicast-summary.json"), "frra", addressFamily: "ipv6Unicast");
        Assert.Equal(new[] { "eth2", "2001:db8::2" }, peers.Select(p => p.Neighbor));
        Assert.All(peers, p => Assert.Equal("ipv6Unicast", p.AddressFamily));
        Assert.All(peers, p => Assert.Equal(65001, p.LocalAs));
    }

    [Fact]
    public void AllFamiliesSummaryKeepsEachFamily()
    {
        var peers = FrrJsonParser.ParseBgpSummary(Fixture("frr-8.4/bgp-summary.json"), "frra");
        Assert.Equal(5, peers.Count(p => p.AddressFamily == "ipv4Unicast"));
        Assert.Equal(2, peers.Count(p => p.AddressFamily == "ipv6Unicast"));
    }

    [Fact]
    public void VrfAllSummaryUnwrapsVrfsAndFamilies()
    {
        var peers = FrrJsonParser.ParseBgpSummary(Fixture("frr-8.4/bgp-vrf-all-summary.json"), "frra");
        var red = Assert.Single(peers, p => p.Vrf == "red");
        Assert.Equal("192.168.3.2", red.Neighbor);
        Assert.Equal(FrrBgpSessionState.Idle, red.State);
        Assert.Equal(7, peers.Count(p => p.Vrf == "default"));

        var frr10 = FrrJsonParser.ParseBgpSummary(Fixture("frr-10.4/bgp-summary.json"), "pe1");
        Assert.Contains(frr10, p => p.Vrf == "RED" && p.AddressFamily == "ipv6Unicast" && p.Neighbor == "3fff:1::ff" && p.NeighborHostname == "ce1");
        Assert.Contains(frr10, p => p.Vrf == "default" && p.AddressFamily == "ipv4Vpn" && p.Neighbor == "192.168.0.101");
        Assert.All(frr10, p => Assert.Equal(FrrBgpSessionState.Established, p.State));
    }

    [Fact]
    public void PolicyStateIsReportedAsPolicyBlocked()
    {
        var peers = FrrJsonParser.ParseBgpSummary(Fixture("frr-8.4/bgp-ipv4-summary-policy.json"), "frrb");
        Assert.Equal(3, peers.Count);
        Assert.All(peers, p => Assert.Equal(FrrBgpSessionState.PolicyBlocked, p.State));
        Assert.All(peers, p => Assert.True(p.IsEstablished));
    }

    [Fact]
    public void OlderReleasesSummariesParse()
    {
        var v75 = FrrJsonParser.ParseBgpSummary(Fixture("frr-7.5/bgp-ipv4-summary.json"), "r1");
        Assert.Equal(new long?[] { 65000, 65100 }, v75.Select(p => p.RemoteAs));
        Assert.Equal(new long[] { 7, 3 }, v75.Select(p => p.PrefixesReceived));
        Assert.All(v75, p => Assert.Equal(65000, p.LocalAs));
        Assert.All(FrrJsonParser.ParseBgpSummary(Fixture("frr-7.5/bgp-ipv4-summary-shutdown.json"), "r1"),
            p => Assert.Equal(FrrBgpSessionState.AdminShutdown, p.State));
        var vrf = Assert.Single(FrrJsonParser.ParseBgpSummary(Fixture("frr-7.5/bgp-vrf-ipv4-summary.json"), "r1"));
        Assert.Equal("r1-cust1", vrf.Vrf);
        Assert.Equal(FrrBgpSessionState.Connect, Assert.Single(FrrJsonParser.ParseBgpSummary(Fixture("frr-8.5/bgp-ipv4-summary-connect.json"), "r2")).State);
    }

    [Fact]
    public void CountersGivenAsStringsAndUnknownStatesAreTolerated()
    {
        var json = """{"ipv4Unicast":{"as":"65001","peers":{"10.0.0.9":{"remoteAs":"65009","pfxRcd":"12","msgRcvd":"3","state":"Bogus","peerUptime":"1d02h03m"}}}}"""u8;
        var p = Assert.Single(FrrJsonParser.ParseBgpSummary(json, "r"));
        Assert.Equal(65001, p.LocalAs);
        Assert.Equal(65009, p.RemoteAs);
        Assert.Equal(12, p.PrefixesReceived);
        Assert.Equal(3, p.MessagesIn);
        Assert.Equal(FrrBgpSessionState.Unknown, p.State);
        Assert.Equal(new TimeSpan(1, 2, 3, 0), p.Uptime);
    }

    [Theory]
    [InlineData("00:01:02", 62)]
    [InlineData("1d02h03m", 93780)]
    [InlineData("02w3d04h", 1483200)]
    public void DurationsInEveryFrrFormat(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), FrrJsonParser.ParseDuration(text));

    [Fact]
    public void NeverIsNoDuration() => Assert.Null(FrrJsonParser.ParseDuration("never"));

    [Fact]
    public void Frr84BgpTableGivesPathsWithTypedPrefixNextHopsAndFlags()
    {
        var routes = FrrJsonParser.ParseBgpRoutes(Fixture("frr-8.4/bgp-ipv4.json"), "frra");
        Assert.Equal(8, routes.Where(r => r.IsBest).Select(r => r.Prefix).Distinct().Count());
        Assert.Equal(routes.Count, routes.Count(r => r.IsValid));
        var local = Assert.Single(routes, r => r.Prefix == IPNetwork.Parse("10.100.0.0/16"));
        Assert.Empty(local.AsPath);
        Assert.Null(local.Peer);
        Assert.Equal(32768, local.Weight);
        Assert.Equal("IGP", local.Origin);
        var viaUnnumbered = routes.Single(r => r.Prefix == IPNetwork.Parse("10.200.0.0/16") && r.IsMultipath);
        Assert.Equal(new long[] { 65002 }, viaUnnumbered.AsPath);
        Assert.StartsWith("fe80::", viaUnnumbered.Peer);
        Assert.Equal("link-local", viaUnnumbered.NextHops[1].Scope);
        var best = routes.Single(r => r.Prefix == IPNetwork.Parse("10.200.0.0/16") && r.IsBest);
        Assert.Equal(IPAddress.Parse("192.168.1.2"), best.NextHops.Single().Address);
        Assert.Equal("frrb", best.NextHops[0].Hostname);
        Assert.Equal("192.168.1.2", best.Peer);
        Assert.Equal(0, best.Med);
    }

    [Fact]
    public void VrfAllBgpTableAndOtherReleasesParse()
    {
        var all = FrrJsonParser.ParseBgpRoutes(Fixture("frr-8.4/bgp-vrf-all-ipv4.json"), "frra");
        Assert.Equal(FrrJsonParser.ParseBgpRoutes(Fixture("frr-8.4/bgp-ipv4.json"), "frra").Count, all.Count(r => r.Vrf == "default"));
        var v75 = FrrJsonParser.ParseBgpRoutes(Fixture("frr-7.5/bgp-ipv4.json"), "r1");
        var dflt = Assert.Single(v75, r => r.Prefix == IPNetwork.Parse("0.0.0.0/0"));
        Assert.Equal(new long[] { 65100 }, dflt.AsPath);
        Assert.True(dflt.IsBest);
        var v91 = Assert.Single(FrrJsonParser.ParseBgpRoutes(Fixture("frr-9.1/bgp-ipv4.json"), "r4"));
        Assert.Equal(1011, v91.Med);
    }

    [Fact]
    public void FilterIsAppliedWhileReading()
    {
        var best = FrrJsonParser.ParseBgpRoutes(Fixture("frr-8.4/bgp-ipv4.json"), "frra", filter: r => r.IsBest);
        Assert.Equal(8, best.Count);
    }

    [Theory]
    [InlineData("65002 65003", new long[] { 65002, 65003 })]
    [InlineData("65002 {65010,65011} (65100 65101)", new long[] { 65002, 65010, 65011, 65100, 65101 })]
    [InlineData("1.10 65000", new long[] { 65546, 65000 })]
    [InlineData("", new long[0])]
    public void AsPathsBecomeAsnLists(string text, long[] expected) => Assert.Equal(expected, FrrJsonParser.ParseAsPath(text));

    [Fact]
    public void NeighborsDetailCarriesTimersCapabilitiesAndResetReason()
    {
        var neighbors = FrrJsonParser.ParseBgpNeighbors(Fixture("frr-8.4/bgp-neighbors.json"), "frra");
        Assert.Equal(5, neighbors.Count);
        var eth2 = neighbors.Single(n => n.Neighbor == "eth2");
        Assert.StartsWith("fe80::", eth2.NeighborAddress);
        Assert.Equal(FrrBgpSessionState.Established, eth2.State);
        Assert.Equal(TimeSpan.FromSeconds(180), eth2.HoldTime);
        Assert.Equal(TimeSpan.FromSeconds(60), eth2.KeepaliveInterval);
        Assert.Equal("advertisedAndReceived", eth2.Capabilities["4byteAs"]);
        Assert.Equal("advertisedAndReceived", eth2.Capabilities["multiprotocolExtensions.ipv4Unicast"]);
        Assert.Equal(5, eth2.AddressFamilies["ipv4Unicast"].PrefixesAccepted);
        Assert.Equal(17, eth2.MessagesIn);
        var down = neighbors.Single(n => n.Neighbor == "192.168.1.99");
        Assert.Equal(FrrBgpSessionState.Active, down.State);
        Assert.Equal("Waiting for peer OPEN", down.LastResetReason);
        Assert.Equal(FrrBgpSessionState.AdminShutdown, neighbors.Single(n => n.Neighbor == "10.9.9.9").State);
        Assert.Equal("to-frrb-numbered", neighbors.Single(n => n.Neighbor == "192.168.1.2").Description);
    }

    [Fact]
    public void VrfAllNeighborsUnwrapVrfs()
    {
        var neighbors = FrrJsonParser.ParseBgpNeighbors(Fixture("frr-8.4/bgp-vrf-all-neighbors.json"), "frra");
        Assert.Equal(5, neighbors.Count(n => n.Vrf == "default"));
        Assert.Equal("192.168.3.2", Assert.Single(neighbors, n => n.Vrf == "red").Neighbor);
    }

    [Fact]
    public void RibGivesRoutesWithProtocolsAndNextHops()
    {
        var rib = FrrJsonParser.ParseRib(Fixture("frr-8.4/ip-route.json"), "frra");
        var bgp = Assert.Single(rib, r => r.Prefix == IPNetwork.Parse("10.255.0.2/32"));
        Assert.Equal("bgp", bgp.Protocol);
        Assert.True(bgp.IsInstalled);
        Assert.True(bgp.IsSelected);
        Assert.Equal(20, bgp.Distance);
        Assert.Equal(new[] { "eth1", "eth2" }, bgp.NextHops.Select(n => n.Interface));
        Assert.Equal(IPAddress.Parse("192.168.1.2"), bgp.NextHops[0].Address);
        Assert.Contains(rib, r => r.Protocol == "connected");
        var v85 = FrrJsonParser.ParseRib(Fixture("frr-8.5/ip-route.json"), "r1");
        Assert.Equal("r1-eth0", v85.First().NextHops.Single().Interface);
    }

    [Fact]
    public void EmptyAndWarningOutputsGiveNothing()
    {
        Assert.Empty(FrrJsonParser.ParseBgpSummary("{}"u8, "r"));
        Assert.Empty(FrrJsonParser.ParseBgpSummary("""{"warning":"Default BGP instance not found"}"""u8, "r"));
        Assert.Empty(FrrJsonParser.ParseBgpRoutes("""{ "vrfId": 0, "vrfName": "default", "routerId": "0.0.0.0", "localAS": 65005, "routes": {  }  }"""u8, "r"));
        Assert.Empty(FrrJsonParser.ParseBgpNeighbors("""{"default":{}}"""u8, "r"));
        Assert.Empty(FrrJsonParser.ParseBgpSummary(""u8, "r"));
    }

    [Fact]
    public void MalformedJsonNamesTheRouter()
    {
        var e = Assert.Throws<BgpLabException>(() => FrrJsonParser.ParseBgpSummary("""{"ipv4Unicast":{"peers":{"x":"""u8, "tor7"));
        Assert.Contains("tor7", e.Message);
        Assert.Equal("FrrMalformedJson", e.ErrorId);
        var text = Assert.Throws<BgpLabException>(() => FrrJsonParser.ParseBgpSummary("% Unknown command"u8, "tor7"));
        Assert.Contains("tor7", text.Message);
    }

    [Fact]
    public void ConcatenatedDocumentsOfSeveralCommandsAreSplit()
    {
        var docs = BgpLab.Engine.Frr.FrrClient.ParseJsonDocuments("r", "{\"a\":1}\n{\n}\n[1,2]\n");
        Assert.Equal(3, docs.Count);
        Assert.Equal(1, docs[0].RootElement.GetProperty("a").GetInt32());
    }
}
