using System.Diagnostics;
using BgpLab.Engine.Clab;
using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Kind;
using BgpLab.Engine.Net;
using BgpLab.Engine.Tests.Common;
using BgpLab.Engine.Tests.Kind;

namespace BgpLab.Engine.Tests.Clab;

/// <summary>
/// examples/scenario-k8s-kind.clab.yml end to end: the k8s-kind node's cluster through the kind stand-in, the
/// FRR fabric linked into the Kind nodes, BGP up, then Remove leaves nothing. Uses the scenario's fixed names:
/// run under flock /tmp/bgplab-docker.lock.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ClabKindClusterDeployTests : IAsyncLifetime
{
    private const string Cluster = "clab-bgp-cplane-demo";
    private const string LabName = "bgp-cplane-demo";
    private static readonly string[] KindNodes = [$"{Cluster}-control-plane", $"{Cluster}-worker", $"{Cluster}-worker2", $"{Cluster}-worker3"];
    private readonly string _dir = Directory.CreateTempSubdirectory("bgplab-k8skind-").FullName;
    private readonly DockerEngine _docker = DockerEngine.Default;
    private string Kubeconfig => Path.Combine(_dir, "kubeconfig");
    private string TopologyPath => Path.Combine(_dir, "scenario-k8s-kind.clab.yml");
    private ClabDestroyer Destroyer => new(_docker) { KindPath = KindTestData.StandInKind, Kubeconfig = Kubeconfig };

    public Task InitializeAsync()
    {
        // A copy, so the lab directory lands in a temporary folder rather than in examples/.
        var examples = Path.Combine(ClabTestData.RepoRoot, "examples");
        foreach (var file in new[] { "scenario-k8s-kind.clab.yml", "scenario-k8s-kind.cluster.yaml" })
            File.Copy(Path.Combine(examples, file), Path.Combine(_dir, file));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        try
        {
            var plan = await Destroyer.PlanAsync(LabName, ClabTopologyLoader.Load(TopologyPath), default);
            await Destroyer.ExecuteAsync(plan, 4, NullObserver.Instance, default);
        }
        finally
        {
            await KindClusters.RemoveAsync(_docker, new KindCli(KindTestData.StandInKind), Cluster, Kubeconfig, keepNetwork: false, NullObserver.Instance, default);
            Directory.Delete(_dir, true);
        }
    }

    [Fact]
    public async Task TheClusterDeploysThroughKindTheFabricLinksIntoItsNodesAndRemoveLeavesNothing()
    {
        var topology = ClabTopologyLoader.Load(TopologyPath);
        var options = new ClabDeployOptions { Capabilities = ClabDeployOptions.SuggestedCapabilities, KindPath = KindTestData.StandInKind, Kubeconfig = Kubeconfig };
        var clock = Stopwatch.StartNew();
        var lab = await new ClabDeployer(_docker).DeployAsync(topology, options, NullObserver.Instance, default);
        var deployTime = clock.Elapsed;

        // The k8s-kind node is reported as a running cluster beside the 3 FRR containers.
        var clusterNode = Assert.Single(lab.Nodes, n => n.Kind == "k8s-kind");
        Assert.Equal((Cluster, "running"), (clusterNode.Name, clusterNode.State));
        Assert.Equal(["clab-bgp-cplane-demo-router0", "clab-bgp-cplane-demo-tor0", "clab-bgp-cplane-demo-tor1"],
            lab.Nodes.Where(n => n.Kind == "linux").Select(n => n.ContainerName).Order());
        Assert.All(lab.Nodes, n => Assert.Equal("running", n.State));

        // 4 Kind node containers (kind's labels, named after the node) + 3 FRR containers.
        var kindContainers = await _docker.ListContainersAsync(new Dictionary<string, string?> { [KindClusters.ClusterLabel] = Cluster }, default);
        Assert.Equal(KindNodes, kindContainers.Select(c => c.Names[0].TrimStart('/')).Order());
        Assert.All(kindContainers, c => Assert.Equal("running", c.State));
        Assert.Equal(3, (await _docker.ListContainersAsync(new Dictionary<string, string?> { [ClabLabels.Lab] = LabName }, default)).Count);
        Assert.NotNull(KindKubeconfig.ServerOf(Kubeconfig, KindKubeconfig.ContextName(Cluster)));

        // Every link end exists in the right network namespace (Kind nodes' ends inside the Kind nodes) and is up.
        var client = await _docker.ConnectAsync(default);
        Assert.Equal(6, lab.Links.Count);
        foreach (var end in topology.Links.SelectMany(l => l.Endpoints))
        {
            var container = KindNodes.Contains(end.Node) ? end.Node : $"{Cluster}-{end.Node}";
            var pid = (int)(await client.Containers.InspectContainerAsync(container)).State.Pid;
            using var ns = NetNamespace.OfProcess(pid, container);
            var iface = Assert.Single(NetworkLinks.ListInterfaces(ns), i => i.Name == end.Interface);
            Assert.Equal(("veth", true), (iface.Kind, iface.IsUp));
        }
        // The ext-container exec lines ran inside the Kind nodes.
        Assert.All(lab.ExecResults, r => Assert.True(r.Succeeded, $"{r.Node}: {r.CommandLine} exited {r.ExitCode}: {r.Stderr}"));
        var worker2 = await _docker.ExecAsync($"{Cluster}-worker2", ["ip", "-4", "-o", "addr", "show", "dev", "net0"], default);
        Assert.Contains("10.0.3.2/24", worker2.Stdout);

        // router0's sessions to both ToRs come up.
        var bgpClock = Stopwatch.StartNew();
        string[] states = [];
        while (bgpClock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var summary = await _docker.ExecAsync($"{Cluster}-router0", ["vtysh", "-c", "show bgp summary json"], default);
            states = ClabDeployScenarioTests.PeerStates(summary.Stdout, "net0", "net1");
            if (states.All(s => s == "Established")) break;
            await Task.Delay(1000);
        }
        Assert.Equal(["Established", "Established"], states);

        // Deploying again reuses the running lab and reports the cluster.
        var again = await new ClabDeployer(_docker).DeployAsync(topology, options, NullObserver.Instance, default);
        Assert.True(again.AlreadyDeployed);
        Assert.Contains(again.Nodes, n => n.Kind == "k8s-kind" && n.State == "running");

        // Remove (what -WhatIf lists): the link ends inside the Kind nodes, the containers, the cluster, the network, the lab dir.
        var plan = await Destroyer.PlanAsync(LabName, topology, default);
        Assert.Contains(plan.Items, i => i.Kind == "KindCluster" && i.Name == Cluster);
        Assert.Equal(4, plan.Items.Count(i => i.Kind == "Interface"));
        clock.Restart();
        await Destroyer.ExecuteAsync(plan, 4, NullObserver.Instance, default);
        var removeTime = clock.Elapsed;
        Assert.Empty(await _docker.ListContainersAsync(new Dictionary<string, string?> { [KindClusters.ClusterLabel] = Cluster }, default));
        Assert.Empty(await _docker.ListContainersAsync(new Dictionary<string, string?> { [ClabLabels.Lab] = LabName }, default));
        foreach (var name in KindNodes) Assert.Null(await _docker.TryInspectContainerAsync(name, default));
        Assert.False(Directory.Exists(topology.LabDirectory));
        Assert.Null(KindKubeconfig.ServerOf(Kubeconfig, KindKubeconfig.ContextName(Cluster)));
        Assert.Empty((await Destroyer.PlanAsync(LabName, topology, default)).Items);
        Console.WriteLine($"k8s-kind scenario: deploy {deployTime.TotalSeconds:0.0} s, remove {removeTime.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task AFailedDeployUndoesTheClusterItCreated()
    {
        var cluster = "bgplab-undo-" + Guid.NewGuid().ToString("N")[..6];
        File.WriteAllText(Path.Combine(_dir, "one-node.yaml"), "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n");
        var path = Path.Combine(_dir, "undo.clab.yml");
        File.WriteAllText(path, $$"""
            name: {{cluster}}
            topology:
              nodes:
                {{cluster}}: {kind: k8s-kind, startup-config: one-node.yaml}
                {{cluster}}-control-plane: {kind: ext-container, exec: ["false"]}
            """);
        var topology = ClabTopologyLoader.Load(path);
        var options = new ClabDeployOptions
        {
            Capabilities = ClabDeployOptions.SuggestedCapabilities, KindPath = KindTestData.StandInKind, Kubeconfig = Kubeconfig, StrictExec = true,
        };
        try
        {
            var e = await Assert.ThrowsAsync<BgpLabException>(() => new ClabDeployer(_docker).DeployAsync(topology, options, NullObserver.Instance, default));
            Assert.Equal("ExecFailed", e.ErrorId);
            // The exec ran inside the cluster's node, so the cluster existed; undo deleted it.
            Assert.Empty(await _docker.ListContainersAsync(new Dictionary<string, string?> { [KindClusters.ClusterLabel] = cluster }, default));
            Assert.Null(KindKubeconfig.ServerOf(Kubeconfig, KindKubeconfig.ContextName(cluster)));
            Assert.False(Directory.Exists(topology.LabDirectory));
        }
        finally
        {
            await KindClusters.RemoveAsync(_docker, new KindCli(KindTestData.StandInKind), cluster, Kubeconfig, keepNetwork: false, NullObserver.Instance, default);
        }
    }
}
