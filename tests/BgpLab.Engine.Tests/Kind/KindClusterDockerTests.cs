using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Kind;
using BgpLab.Engine.Kube;
using BgpLab.Engine.Tests.Common;

namespace BgpLab.Engine.Tests.Kind;

/// <summary>
/// The scenario's cluster through the kind stand-in: real containers on the Docker engine, Node objects in the
/// API double. Uses the scenario's fixed names: run under flock /tmp/bgplab-docker.lock.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class KindClusterDockerTests : IAsyncLifetime
{
    private const string Scenario = "clab-bgp-cplane-demo";
    private readonly string _dir = Directory.CreateTempSubdirectory("bgplab-kind-").FullName;
    private string Kubeconfig => Path.Combine(_dir, "kubeconfig");
    private KindCli Kind => new(KindTestData.StandInKind);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Whatever happened, leave no cluster behind.
        await KindClusters.RemoveAsync(DockerEngine.Default, Kind, Scenario, Kubeconfig, keepNetwork: false, NullObserver.Instance, CancellationToken.None);
        Directory.Delete(_dir, true);
    }

    [Fact]
    public async Task ScenarioClusterHasFourLabelledNodesAndLeavesNothingBehind()
    {
        var config = KindConfigYaml.ReadFile(KindTestData.ScenarioCluster);
        var cluster = await KindClusters.CreateAsync(DockerEngine.Default, Kind, config, new KindCreateOptions { Kubeconfig = Kubeconfig },
            NullObserver.Instance, CancellationToken.None);

        Assert.Equal(Scenario, cluster.Name);
        Assert.Equal("kind-" + Scenario, cluster.Context);
        Assert.Equal(Kubeconfig, cluster.KubeconfigPath);
        Assert.StartsWith("http://127.0.0.1:", cluster.ApiServerEndpoint);
        Assert.Equal([$"{Scenario}-control-plane", $"{Scenario}-worker", $"{Scenario}-worker2", $"{Scenario}-worker3"], cluster.Nodes.Select(n => n.Name));
        Assert.Equal(["control-plane", "worker", "worker", "worker"], cluster.Nodes.Select(n => n.Role));
        Assert.All(cluster.Nodes, n => Assert.Equal("running", n.State));
        Assert.All(cluster.Nodes, n => Assert.NotNull(n.IPv4Address));
        Assert.Equal(["rack0", "rack0", "rack1", "rack1"], cluster.Nodes.Select(n => n.Labels!["rack"]));
        Assert.Equal(["10.0.1.2", "10.0.2.2", "10.0.3.2", "10.0.4.2"], cluster.Nodes.Select(n => n.InternalIP));
        Assert.Equal(["10.1.0.0/24", "10.1.1.0/24", "10.1.2.0/24", "10.1.3.0/24"], cluster.Nodes.Select(n => n.PodCidrs!.Single()));
        Assert.All(cluster.Nodes, n => Assert.False(n.Ready));

        var docker = await DockerEngine.Default.ConnectAsync(CancellationToken.None);
        var inspected = await docker.Containers.InspectContainerAsync($"{Scenario}-worker2");
        Assert.Equal(Scenario, inspected.Config.Labels[KindClusters.ClusterLabel]);
        Assert.Equal("worker", inspected.Config.Labels[KindClusters.RoleLabel]);
        Assert.Contains(KindClusters.NetworkName, inspected.NetworkSettings.Networks.Keys);
        Assert.False(inspected.HostConfig.Privileged);

        var connection = KubeConnection.Resolve(cluster.KubeconfigPath, cluster.Context);
        var nodes = await KubeNodes.GetAsync(connection, "rack=rack1", CancellationToken.None);
        Assert.Equal([$"{Scenario}-worker2", $"{Scenario}-worker3"], nodes.Select(n => n.Name));
        var timeout = await Assert.ThrowsAsync<BgpLabException>(() =>
            KubeNodes.WaitAsync(connection, null, null, "Ready", "True", TimeSpan.FromSeconds(1), NullObserver.Instance, CancellationToken.None));
        Assert.True(timeout.Message.Contains($"{Scenario}-worker3: Ready=False (KubeletNotReady: container runtime network not ready"), timeout.Message);

        var again = await Assert.ThrowsAsync<BgpLabException>(() => KindClusters.CreateAsync(DockerEngine.Default, Kind, config,
            new KindCreateOptions { Kubeconfig = Kubeconfig }, NullObserver.Instance, CancellationToken.None));
        Assert.Equal("KindClusterExists", again.ErrorId);

        Assert.True(await KindClusters.RemoveAsync(DockerEngine.Default, Kind, Scenario, Kubeconfig, false, NullObserver.Instance, CancellationToken.None));
        Assert.Empty(await DockerEngine.Default.ListContainersAsync(new Dictionary<string, string?> { [KindClusters.ClusterLabel] = Scenario }, CancellationToken.None));
        Assert.Null(KindKubeconfig.ServerOf(Kubeconfig, cluster.Context));
        var networks = await docker.Networks.ListNetworksAsync(new global::Docker.DotNet.Models.NetworksListParameters());
        var kindNetwork = networks.FirstOrDefault(n => n.Name == KindClusters.NetworkName);
        Assert.True(kindNetwork is null || (await docker.Networks.InspectNetworkAsync(kindNetwork.ID)).Containers.Count > 0,
            "the kind network must be gone unless someone else still uses it");
        // idempotent
        Assert.False(await KindClusters.RemoveAsync(DockerEngine.Default, Kind, Scenario, Kubeconfig, false, NullObserver.Instance, CancellationToken.None));
    }

    [Fact]
    public async Task AnInvalidConfigIsRefusedBeforeKindRunsAndCreatesNothing()
    {
        var config = KindConfigYaml.ReadFile(KindTestData.ScenarioCluster);
        config.Nodes[1].NodeIP = "10.0.1.2";
        var e = await Assert.ThrowsAsync<BgpLabException>(() => KindClusters.CreateAsync(DockerEngine.Default, Kind, config,
            new KindCreateOptions { Kubeconfig = Kubeconfig, Name = "bgplab-invalid-" + Guid.NewGuid().ToString("N")[..6] }, NullObserver.Instance, CancellationToken.None));
        Assert.Equal("KindConfigInvalid", e.ErrorId);
        Assert.Contains("node-ip 10.0.1.2 is also the node-ip of nodes[0]", e.Message);
        Assert.False(File.Exists(Kubeconfig));
    }
}
