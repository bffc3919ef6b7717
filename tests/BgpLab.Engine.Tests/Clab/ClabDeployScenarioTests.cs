using System.Diagnostics;
using System.Text.Json;
using BgpLab.Engine.Clab;
using BgpLab.Engine.Common;
using BgpLab.Engine.Net;
using BgpLab.Engine.Tests.Common;
using BgpLab.Engine.Tests.Fixtures;
using Docker.DotNet;

namespace BgpLab.Engine.Tests.Clab;

/// <summary>The reference scenario's fabric deployed on Kind-node stand-ins, checked end to end, then removed.</summary>
[Collection(DockerCollection.Name)]
public sealed class ClabDeployScenarioTests : IAsyncLifetime
{
    private readonly ScenarioFabricFixture _fabric = new();

    public Task InitializeAsync() => _fabric.InitializeAsync();

    public Task DisposeAsync() => _fabric.DisposeAsync();

    private static readonly string[] ExpectedRoutes =
        ["10.0.0.0/32", "172.20.20.0/24", "10.0.0.1/32", "10.0.1.0/24", "10.0.2.0/24", "10.0.0.2/32", "10.0.3.0/24", "10.0.4.0/24"];

    [Fact]
    public async Task ScenarioFabricDeploysPeersAndRemovesWithoutTrace()
    {
        using var hostNs = NetNamespace.Current();
        var hostBefore = NetworkLinks.ListInterfaces(hostNs).Select(i => i.Name).ToHashSet();
        var topology = _fabric.LoadTopology();

        var lab = await _fabric.DeployFabricAsync();

        // 7 lab containers, named as containerlab names them, all running.
        Assert.Equal(7, lab.Nodes.Count);
        Assert.All(lab.Nodes, n => Assert.Equal("running", n.State));
        Assert.Equal(topology.Nodes.Select(n => "clab-bgp-cplane-demo-" + n.Name).Order(), lab.Nodes.Select(n => n.ContainerName).Order());
        Assert.All(lab.Nodes, n => Assert.Equal("bgp-cplane-demo", n.Labels["containerlab"]));
        var router0 = lab.Nodes.Single(n => n.Name == "router0");
        Assert.StartsWith("172.20.20.", router0.MgmtIPv4);
        Assert.StartsWith("3fff:172:20:20::", router0.MgmtIPv6);

        // server0..3 share the stand-ins' network namespaces.
        var client = await _fabric.Docker.ConnectAsync(default);
        for (var i = 0; i < 4; i++)
        {
            var server = lab.Nodes.Single(n => n.Name == $"server{i}");
            Assert.Equal("container:" + ScenarioFabricFixture.KindNodes[i], server.NetworkMode);
            var serverPid = (await client.Containers.InspectContainerAsync(server.ContainerName)).State.Pid;
            var kindPid = (await client.Containers.InspectContainerAsync(ScenarioFabricFixture.KindNodes[i])).State.Pid;
            Assert.Equal(new FileInfo($"/proc/{kindPid}/ns/net").LinkTarget, new FileInfo($"/proc/{serverPid}/ns/net").LinkTarget);
        }

        // ip netns exec works on lab containers, as with containerlab.
        Assert.All(lab.Nodes, n => Assert.NotNull(new FileInfo(NetNamespaceNames.PathOf(n.ContainerName)).LinkTarget));

        // Every link's interfaces exist in the right namespace, with the right name, MTU 9500 and up.
        Assert.Equal(6, lab.Links.Count);
        foreach (var link in topology.Links)
        {
            foreach (var end in link.Endpoints)
            {
                var container = "clab-bgp-cplane-demo-" + end.Node;
                var pid = (int)(await client.Containers.InspectContainerAsync(container)).State.Pid;
                using var ns = NetNamespace.OfProcess(pid, container);
                var iface = Assert.Single(NetworkLinks.ListInterfaces(ns), i => i.Name == end.Interface);
                Assert.Equal((9500, true, "veth"), (iface.Mtu, iface.IsUp, iface.Kind));
                Assert.False(NetworkLinks.GetTxChecksumOffload(ns, end.Interface));
            }
        }
        // No veth was left in the host namespace.
        Assert.Empty(NetworkLinks.ListInterfaces(hostNs).Select(i => i.Name).Where(n => !hostBefore.Contains(n) && n.StartsWith("clab", StringComparison.Ordinal)));

        // All exec commands ran and exited 0.
        Assert.Equal(topology.Nodes.Sum(n => n.Effective.Exec?.Count ?? 0), lab.ExecResults.Count);
        Assert.All(lab.ExecResults, r => Assert.True(r.Succeeded, $"{r.Node}: {r.CommandLine} exited {r.ExitCode}: {r.Stderr}"));

        // The lab directory holds topology-data.json in containerlab's shape.
        var data = JsonDocument.Parse(File.ReadAllText(Path.Combine(_fabric.WorkDirectory, "clab-bgp-cplane-demo", "topology-data.json"))).RootElement;
        Assert.Equal("clab", data.GetProperty("type").GetString());
        Assert.Equal(7, data.GetProperty("nodes").EnumerateObject().Count());
        Assert.Equal(6, data.GetProperty("links").GetArrayLength());

        // Within 30 s: router0-tor0 and router0-tor1 Established, and router0 holds exactly the 8 routes.
        var clock = Stopwatch.StartNew();
        string[] states = [], routes = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var summary = await _fabric.Docker.ExecAsync(router0.ContainerName, ["vtysh", "-c", "show bgp summary json"], default);
            var table = await _fabric.Docker.ExecAsync(router0.ContainerName, ["vtysh", "-c", "show bgp ipv4 unicast json"], default);
            states = PeerStates(summary.Stdout, "net0", "net1");
            routes = Routes(table.Stdout);
            if (states.All(s => s == "Established") && routes.Length == ExpectedRoutes.Length) break;
            await Task.Delay(1000);
        }
        Assert.Equal(["Established", "Established"], states);
        Assert.Equal(ExpectedRoutes.Order(), routes.Order());

        // A second deploy of the running lab reports it and changes nothing.
        var again = await new ClabDeployer(_fabric.Docker).DeployAsync(topology, new ClabDeployOptions { Capabilities = ScenarioFabricFixture.Capabilities }, NullObserver.Instance, default);
        Assert.True(again.AlreadyDeployed);
        Assert.Equal(lab.Nodes.Select(n => n.ContainerId).Order(), again.Nodes.Select(n => n.ContainerId).Order());

        // Removal leaves no container, network, veth (engine, namespaces, ip link) or lab directory.
        var removed = await _fabric.RemoveFabricAsync();
        Assert.Contains(removed, r => r.Kind == "Network" && r.Name == "clab");
        Assert.Empty(await _fabric.Docker.ListContainersAsync(new Dictionary<string, string?> { ["containerlab"] = "bgp-cplane-demo" }, default));
        await Assert.ThrowsAsync<DockerNetworkNotFoundException>(() => client.Networks.InspectNetworkAsync("clab"));
        Assert.False(Directory.Exists(Path.Combine(_fabric.WorkDirectory, "clab-bgp-cplane-demo")));
        Assert.All(lab.Nodes, n => Assert.Null(new FileInfo(NetNamespaceNames.PathOf(n.ContainerName)).LinkTarget));
        foreach (var kindNode in ScenarioFabricFixture.KindNodes)
        {
            var ipLink = await _fabric.Docker.ExecAsync(kindNode, ["ip", "-o", "link"], default);
            Assert.Equal(0, ipLink.ExitCode);
            Assert.DoesNotContain("net0", ipLink.Stdout);
            Assert.DoesNotContain("veth", ipLink.Stdout);
        }
        Assert.Empty(NetworkLinks.ListInterfaces(hostNs).Where(i => !hostBefore.Contains(i.Name) && i.Kind == "veth"));

        // Idempotent: removing again finds nothing to remove.
        Assert.Empty(await _fabric.RemoveFabricAsync());
    }

    internal static string[] PeerStates(string summaryJson, params string[] peers)
    {
        try
        {
            var all = JsonDocument.Parse(summaryJson).RootElement.GetProperty("ipv4Unicast").GetProperty("peers");
            return peers.Select(p => all.TryGetProperty(p, out var peer) ? peer.GetProperty("state").GetString() ?? "" : "absent").ToArray();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return peers.Select(_ => "unknown").ToArray();
        }
    }

    internal static string[] Routes(string tableJson)
    {
        try
        {
            return JsonDocument.Parse(tableJson).RootElement.GetProperty("routes").EnumerateObject().Select(r => r.Name).ToArray();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return [];
        }
    }
}
