using BgpLab.Engine.Docker;
using BgpLab.Engine.Frr;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BgpLab.Engine.Tests.Frr;

/// <summary>
/// Real FRR routers for the engine tests, under unique names: r1 (AS 65001) and r2 (AS 65002) on two
/// private bridge networks — a numbered session over the first (r1 172.x.y.z ↔ r2) and a BGP unnumbered
/// session over the second (eth1) — plus r1 peering a silent 192.0.2.99. Labelled as containerlab labels
/// nodes (lab = <see cref="Lab"/>). Also three routers that are not usable: FRR without bgpd, a container
/// where FRR is not started, and one without vtysh. All removed on dispose.
/// </summary>
public sealed class FrrRoutersFixture : IAsyncLifetime
{
    private static readonly string[] Capabilities = ["NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE", "SYS_ADMIN"];
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _containers = new();
    private readonly List<string> _networks = new();

    public DockerEngine Docker { get; } = DockerEngine.Default;
    public string Lab => "frrtest-" + _suffix;
    public string R1 => $"frrtest-{_suffix}-r1";
    public string R2 => $"frrtest-{_suffix}-r2";
    public string NoBgpd => $"frrtest-{_suffix}-nobgpd";
    public string NotStarted => $"frrtest-{_suffix}-stopped";
    public string NoVtysh => $"frrtest-{_suffix}-novtysh";
    public string R2NumberedAddress { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var client = await Docker.ConnectAsync(default);
        foreach (var net in new[] { $"frrtest-{_suffix}-n1", $"frrtest-{_suffix}-n2" })
        {
            await client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = net, Driver = "bridge" });
            _networks.Add(net);
        }
        await CreateAsync(client, R1, "r1", _networks[0]);
        await CreateAsync(client, R2, "r2", _networks[0]);
        foreach (var c in new[] { R1, R2 })
            await client.Networks.ConnectNetworkAsync(_networks[1], new NetworkConnectParameters { Container = c });
        await CreateAsync(client, NoBgpd, "nobgpd", "none");
        await CreateAsync(client, NotStarted, "stopped", "none");
        await CreateAsync(client, NoVtysh, "novtysh", "none");

        R2NumberedAddress = (await client.Containers.InspectContainerAsync(R2)).NetworkSettings.Networks[_networks[0]].IPAddress;
        var r1Address = (await client.Containers.InspectContainerAsync(R1)).NetworkSettings.Networks[_networks[0]].IPAddress;

        foreach (var c in new[] { R1, R2 }) await ShAsync(c, "sed -i s/bgpd=no/bgpd=yes/ /etc/frr/daemons && touch /etc/frr/vtysh.conf && /usr/lib/frr/frrinit.sh start");
        await ShAsync(NoBgpd, "touch /etc/frr/vtysh.conf && /usr/lib/frr/frrinit.sh start");
        await ShAsync(NoVtysh, "rm -f /usr/bin/vtysh");
        await ShAsync(R1, "ip route add blackhole 10.100.0.0/16");
        await ShAsync(R2, "ip route add blackhole 10.200.0.0/16");

        await VtyshAsync(R1, "configure terminal", "router bgp 65001", "bgp router-id 10.255.0.1", "no bgp ebgp-requires-policy",
            $"neighbor {R2NumberedAddress} remote-as 65002", $"neighbor {R2NumberedAddress} description numbered-to-r2",
            "neighbor eth1 interface remote-as external", "neighbor 192.0.2.99 remote-as 65099",
            "address-family ipv4 unicast", "network 10.100.0.0/16", "exit-address-family");
        await VtyshAsync(R2, "configure terminal", "router bgp 65002", "bgp router-id 10.255.0.2", "no bgp ebgp-requires-policy",
            $"neighbor {r1Address} remote-as 65001", "neighbor eth1 interface remote-as external",
            "address-family ipv4 unicast", "network 10.200.0.0/16", "exit-address-family");
    }

    public FrrRouterTarget Target(string container) => new(container.Split('-').Last(), container, Lab);

    private async Task CreateAsync(IDockerClient client, string name, string node, string network)
    {
        await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name, Hostname = node, Image = "bgplab/frr:latest", Cmd = ["sleep", "infinity"],
            Labels = new Dictionary<string, string> { ["containerlab"] = Lab, ["clab-node-name"] = node },
            HostConfig = new HostConfig
            {
                NetworkMode = network, CapAdd = Capabilities,
                Sysctls = network == "none" ? null : new Dictionary<string, string> { ["net.ipv6.conf.all.disable_ipv6"] = "0", ["net.ipv6.conf.default.disable_ipv6"] = "0" },
            },
        });
        _containers.Add(name);
        await client.Containers.StartContainerAsync(name, new ContainerStartParameters());
    }

    private async Task ShAsync(string container, string script)
    {
        var r = await Docker.ExecAsync(container, ["sh", "-c", script], default);
        if (!r.Succeeded) throw new InvalidOperationException($"{container}: {script}: {r.Stderr}{r.Stdout}");
    }

    private async Task VtyshAsync(string container, params string[] commands)
    {
        var r = await Docker.ExecAsync(container, FrrClient.VtyshArgv(commands), default);
        if (!r.Succeeded) throw new InvalidOperationException($"{container}: vtysh: {r.Stderr}{r.Stdout}");
    }

    public async Task DisposeAsync()
    {
        var client = await Docker.ConnectAsync(default);
        foreach (var c in _containers)
        {
            try { await client.Containers.RemoveContainerAsync(c, new ContainerRemoveParameters { Force = true }); }
            catch (DockerContainerNotFoundException) { }
        }
        foreach (var n in _networks)
        {
            try { await client.Networks.DeleteNetworkAsync(n); }
            catch (DockerApiException) { }
        }
    }
}
