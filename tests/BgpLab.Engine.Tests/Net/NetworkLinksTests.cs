using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Net;
using BgpLab.Engine.Tests.Common;
using Docker.DotNet.Models;

namespace BgpLab.Engine.Tests.Net;

[Collection(DockerCollection.Name)]
public sealed class NetworkLinksTests : IAsyncLifetime
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _containers = new();
    private readonly DockerEngine _docker = DockerEngine.Default;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        var client = await _docker.ConnectAsync(default);
        foreach (var c in _containers)
            await client.Containers.RemoveContainerAsync(c, new ContainerRemoveParameters { Force = true });
    }

    private async Task<(string Name, int Pid)> StartContainerAsync(string role)
    {
        var client = await _docker.ConnectAsync(default);
        var name = $"bgplab-net-{role}-{_suffix}";
        await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name, Image = "bgplab/frr:latest", Cmd = ["bash"], Tty = true, OpenStdin = true,
            HostConfig = new HostConfig { CapAdd = ["NET_ADMIN", "NET_RAW"], NetworkMode = "none" },
        });
        _containers.Add(name);
        await client.Containers.StartContainerAsync(name, new ContainerStartParameters());
        var inspected = await client.Containers.InspectContainerAsync(name);
        return (name, (int)inspected.State.Pid);
    }

    [Fact]
    public async Task VethPairLandsNamedSizedAndUpInBothNamespacesAndDeletes()
    {
        var (a, pidA) = await StartContainerAsync("a");
        var (b, pidB) = await StartContainerAsync("b");
        using var nsA = NetNamespace.OfProcess(pidA, a);
        using var nsB = NetNamespace.OfProcess(pidB, b);

        NetworkLinks.CreateVethPair(new VethEnd(nsA, "net0"), new VethEnd(nsB, "uplink-7", "aa:c1:ab:01:02:03"));

        var inA = NetworkLinks.ListInterfaces(nsA).Single(i => i.Name == "net0");
        var inB = NetworkLinks.ListInterfaces(nsB).Single(i => i.Name == "uplink-7");
        Assert.Equal((9500, true, "veth"), (inA.Mtu, inA.IsUp, inA.Kind));
        Assert.Equal((9500, true, "veth", "aa:c1:ab:01:02:03"), (inB.Mtu, inB.IsUp, inB.Kind, inB.Mac));
        Assert.StartsWith("aa:c1:ab:", inA.Mac);
        Assert.False(NetworkLinks.GetTxChecksumOffload(nsA, "net0"));
        Assert.False(NetworkLinks.GetTxChecksumOffload(nsB, "uplink-7"));
        // The host namespace got nothing.
        using (var host = NetNamespace.Current())
            Assert.DoesNotContain(NetworkLinks.ListInterfaces(host), i => i.Name is "net0" or "uplink-7");
        // What the container itself sees, through its own tools.
        var seen = await _docker.ExecAsync(b, ["ip", "-o", "link", "show", "uplink-7"], default);
        Assert.Contains("mtu 9500", seen.Stdout);
        var offload = await _docker.ExecAsync(a, ["ethtool", "-k", "net0"], default);
        Assert.Contains("tx-checksumming: off", offload.Stdout);

        Assert.True(NetworkLinks.DeleteInterface(nsA, "net0"));
        Assert.DoesNotContain(NetworkLinks.ListInterfaces(nsB), i => i.Name == "uplink-7");
        Assert.False(NetworkLinks.DeleteInterface(nsA, "net0"));
    }

    [Fact]
    public async Task ExistingNameIsReportedAndLeavesNothing()
    {
        var (a, pidA) = await StartContainerAsync("a");
        var (b, pidB) = await StartContainerAsync("b");
        using var nsA = NetNamespace.OfProcess(pidA, a);
        using var nsB = NetNamespace.OfProcess(pidB, b);
        NetworkLinks.CreateVethPair(new VethEnd(nsA, "net0"), new VethEnd(nsB, "net0"));

        var e = Assert.Throws<BgpLabException>(() => NetworkLinks.CreateVethPair(new VethEnd(nsA, "net1"), new VethEnd(nsB, "net0")));
        Assert.Equal("InterfaceExists", e.ErrorId);
        Assert.Contains(b, e.Message);
        Assert.DoesNotContain(NetworkLinks.ListInterfaces(nsA), i => i.Name == "net1");
    }

    [Fact]
    public void InvalidNameIsRefusedBeforeAnythingIsCreated()
    {
        using var host = NetNamespace.Current();
        var e = Assert.Throws<BgpLabException>(() => NetworkLinks.CreateVethPair(new VethEnd(host, "a-name-longer-than-15"), new VethEnd(host, "x")));
        Assert.Equal("InvalidInterfaceName", e.ErrorId);
    }
}
