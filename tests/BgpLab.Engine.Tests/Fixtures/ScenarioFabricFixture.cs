using BgpLab.Engine.Clab;
using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Tests.Clab;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BgpLab.Engine.Tests.Fixtures;

/// <summary>
/// The reference scenario's fabric on this machine: four Kind-node stand-ins named as Kind names them
/// (clab-bgp-cplane-demo-control-plane, -worker, -worker2, -worker3; image bgplab/kind-node, bash with a
/// TTY, explicit capabilities, on a docker network "kind"), and <see cref="DeployFabricAsync"/> deploying
/// the scenario's topo.yaml (copied to a temporary folder, which holds the lab directory) on them.
/// Everything it creates is removed on dispose, also after failures. Uses the scenario's FIXED names:
/// run tests using it under <c>flock /tmp/bgplab-docker.lock</c>.
/// </summary>
public sealed class ScenarioFabricFixture : IAsyncLifetime
{
    public const string Cluster = "clab-bgp-cplane-demo";
    public const string LabName = "bgp-cplane-demo";
    public const string KindNetwork = "kind";
    public const string KindNodeImage = "bgplab/kind-node:latest";

    /// <summary>The Kind node containers, in Kind's naming order.</summary>
    public static readonly IReadOnlyList<string> KindNodes =
        [$"{Cluster}-control-plane", $"{Cluster}-worker", $"{Cluster}-worker2", $"{Cluster}-worker3"];

    /// <summary>The capabilities lab and stand-in containers get (privileged containers cannot start on this host).</summary>
    public static IReadOnlyList<string> Capabilities => ClabDeployOptions.SuggestedCapabilities;

    private bool _createdKindNetwork;

    public DockerEngine Docker { get; } = DockerEngine.Default;

    /// <summary>A private folder holding the copy of topo.yaml and, beside it, the lab directory.</summary>
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("bgplab-scenario-").FullName;

    public string TopologyPath => Path.Combine(WorkDirectory, "topo.yaml");

    /// <summary>The deployed fabric (after <see cref="DeployFabricAsync"/>).</summary>
    public ClabLab? Lab { get; private set; }

    public async Task InitializeAsync()
    {
        File.Copy(ClabTestData.ScenarioTopology, TopologyPath, overwrite: true);
        await RemoveLeftoversAsync().ConfigureAwait(false);
        await StartKindStandInsAsync().ConfigureAwait(false);
    }

    public ClabTopology LoadTopology() => ClabTopologyLoader.Load(TopologyPath, new Dictionary<string, string?>());

    /// <summary>Deploys the scenario fabric with the explicit capability set.</summary>
    public async Task<ClabLab> DeployFabricAsync(IOperationObserver? observer = null, CancellationToken ct = default)
    {
        Lab = await new ClabDeployer(Docker).DeployAsync(LoadTopology(), new ClabDeployOptions { Capabilities = Capabilities }, observer ?? NullObserver.Instance, ct)
            .ConfigureAwait(false);
        return Lab;
    }

    /// <summary>Removes the fabric (link ends in the stand-ins, lab containers, mgmt network, lab directory).</summary>
    public async Task<IReadOnlyList<ClabRemovalItem>> RemoveFabricAsync(CancellationToken ct = default)
    {
        var destroyer = new ClabDestroyer(Docker);
        var plan = await destroyer.PlanAsync(LabName, LoadTopology(), ct).ConfigureAwait(false);
        return await destroyer.ExecuteAsync(plan, 4, NullObserver.Instance, ct).ConfigureAwait(false);
    }

    private async Task StartKindStandInsAsync()
    {
        var client = await Docker.ConnectAsync(default).ConfigureAwait(false);
        try
        {
            await client.Networks.InspectNetworkAsync(KindNetwork).ConfigureAwait(false);
        }
        catch (DockerNetworkNotFoundException)
        {
            // As kind creates it: bridge, IPv6 ULA derived from the name, masquerading on.
            await client.Networks.CreateNetworkAsync(new NetworksCreateParameters
            {
                Name = KindNetwork, Driver = "bridge", EnableIPv6 = true,
                IPAM = new IPAM { Config = [new IPAMConfig { Subnet = "fc00:f853:ccd:e793::/64" }] },
                Options = new Dictionary<string, string> { ["com.docker.network.bridge.enable_ip_masquerade"] = "true" },
            }).ConfigureAwait(false);
            _createdKindNetwork = true;
        }
        foreach (var name in KindNodes)
        {
            await client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Name = name, Hostname = name, Image = KindNodeImage, Cmd = ["bash"], Tty = true, OpenStdin = true,
                Labels = new Dictionary<string, string>
                {
                    ["io.x-k8s.kind.cluster"] = Cluster,
                    ["io.x-k8s.kind.role"] = name.EndsWith("control-plane", StringComparison.Ordinal) ? "control-plane" : "worker",
                },
                HostConfig = new HostConfig
                {
                    NetworkMode = KindNetwork, CapAdd = Capabilities.ToList(),
                    Sysctls = new Dictionary<string, string> { ["net.ipv6.conf.all.disable_ipv6"] = "0", ["net.ipv4.ip_forward"] = "1" },
                },
            }).ConfigureAwait(false);
            await client.Containers.StartContainerAsync(name, new ContainerStartParameters()).ConfigureAwait(false);
        }
    }

    /// <summary>Removes whatever an earlier, interrupted run left under the scenario's fixed names.</summary>
    private async Task RemoveLeftoversAsync()
    {
        var client = await Docker.ConnectAsync(default).ConfigureAwait(false);
        var lab = await Docker.ListContainersAsync(new Dictionary<string, string?> { [ClabLabels.Lab] = LabName }, default).ConfigureAwait(false);
        foreach (var name in lab.Select(c => c.ID).Concat(KindNodes))
        {
            try { await client.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters { Force = true }).ConfigureAwait(false); }
            catch (DockerContainerNotFoundException) { }
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            await RemoveFabricAsync().ConfigureAwait(false);
        }
        finally
        {
            var client = await Docker.ConnectAsync(default).ConfigureAwait(false);
            foreach (var name in KindNodes)
            {
                try { await client.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters { Force = true }).ConfigureAwait(false); }
                catch (DockerContainerNotFoundException) { }
            }
            if (_createdKindNetwork)
            {
                try { await client.Networks.DeleteNetworkAsync(KindNetwork).ConfigureAwait(false); }
                catch (DockerApiException) { }
            }
            Directory.Delete(WorkDirectory, recursive: true);
        }
    }
}
