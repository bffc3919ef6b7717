using BgpLab.Engine.Clab;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Tests.Clab;

/// <summary>k8s-kind nodes in the deploy plan: the cluster before what lives in its containers; a bad startup-config refused with its line.</summary>
public sealed class ClabKindClusterPlannerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bgplab-k8skind-plan-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private ClabTopology Write(string nodes, string links = "")
    {
        var path = Path.Combine(_dir, "lab.clab.yml");
        File.WriteAllText(path, $"""
            name: plan
            topology:
              nodes:
            {nodes}
              links:
            {links}
            """);
        return ClabTopologyLoader.Load(path);
    }

    private void WriteKindConfig(string name, string text) => File.WriteAllText(Path.Combine(_dir, name), text);

    [Fact]
    public void TheClusterComesBeforeItsNodeContainersAndWhatJoinsThem()
    {
        WriteKindConfig("cluster.yaml", """
            kind: Cluster
            apiVersion: kind.x-k8s.io/v1alpha4
            name: ignored-containerlab-names-the-cluster-after-the-node
            nodes:
            - role: control-plane
            - role: worker
            - role: worker
            """);
        var plan = ClabDeployPlanner.Plan(Write("""
                    k1-worker2: {kind: ext-container}
                    server: {kind: linux, image: x, network-mode: "container:k1-worker"}
                    k1-control-plane: {kind: ext-container}
                    other: {kind: ext-container}
                    tor: {kind: linux, image: x}
                    k1: {kind: k8s-kind, startup-config: cluster.yaml}
                """, """
                  - endpoints: ["tor:e1", "k1-control-plane:net0"]
                """));

        var order = plan.Order.Select(n => n.Name).ToList();
        Assert.Equal(["k1", "k1-worker2", "server", "k1-control-plane", "other", "tor"], order);
        var cluster = plan.KindClusters["k1"];
        Assert.Equal(["k1-control-plane", "k1-worker", "k1-worker2"], cluster.NodeContainers);
        Assert.Equal("k1", cluster.Config.Name);
        Assert.Equal(Path.Combine(_dir, "cluster.yaml"), cluster.ConfigPath);
        Assert.Equal("k1", plan.WaitsForCluster["k1-worker2"]);
        Assert.Equal("k1", plan.WaitsForCluster["server"]);
        Assert.Equal("k1", plan.WaitsForCluster["k1-control-plane"]);
        Assert.False(plan.WaitsForCluster.ContainsKey("other"));
        Assert.False(plan.WaitsForCluster.ContainsKey("tor"));
    }

    [Fact]
    public void AMissingStartupConfigIsRefusedWithTheNodesLine()
    {
        var e = Assert.Throws<BgpLabException>(() => ClabDeployPlanner.Plan(Write("""
                    tor: {kind: linux, image: x}
                    k1: {kind: k8s-kind}
                """)));
        Assert.Equal("MissingStartupConfig", e.ErrorId);
        Assert.StartsWith(Path.Combine(_dir, "lab.clab.yml") + ":5", e.Message);

        e = Assert.Throws<BgpLabException>(() => ClabDeployPlanner.Plan(Write("""
                    k1: {kind: k8s-kind, startup-config: nowhere.yaml}
                """)));
        Assert.Equal("StartupConfigNotFound", e.ErrorId);
        Assert.Contains(Path.Combine(_dir, "nowhere.yaml"), e.Message);
    }

    [Fact]
    public void AnInvalidStartupConfigNamesBothFilesAndLines()
    {
        WriteKindConfig("bad.yaml", """
            kind: Cluster
            apiVersion: kind.x-k8s.io/v1alpha4
            nodes:
            - role: control-plane
              bogusField: 1
            """);
        var e = Assert.Throws<BgpLabException>(() => ClabDeployPlanner.Plan(Write("""
                    k1: {kind: k8s-kind, startup-config: bad.yaml}
                """)));
        Assert.Equal("InvalidStartupConfig", e.ErrorId);
        Assert.StartsWith(Path.Combine(_dir, "lab.clab.yml") + ":4", e.Message);
        Assert.Contains(Path.Combine(_dir, "bad.yaml") + ":5", e.Message);
        Assert.Contains("bogusField", e.Message);
    }

    [Fact]
    public void ALinkEndingOnTheClusterItselfIsRefused()
    {
        WriteKindConfig("cluster.yaml", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n");
        var e = Assert.Throws<BgpLabException>(() => ClabDeployPlanner.Plan(Write("""
                    tor: {kind: linux, image: x}
                    k1: {kind: k8s-kind, startup-config: cluster.yaml}
                """, """
                  - endpoints: ["tor:e1", "k1:eth1"]
                """)));
        Assert.Equal("LinkToKindCluster", e.ErrorId);
        Assert.Contains("k1-control-plane", e.Message);
    }

    [Fact]
    public async Task AMissingKindBinaryIsTheKindDriversErrorBeforeAnythingIsCreated()
    {
        WriteKindConfig("cluster.yaml", "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n");
        var topology = Write("""
                    k1: {kind: k8s-kind, startup-config: cluster.yaml}
                """);
        var missing = Path.Combine(_dir, "no-kind");
        var e = await Assert.ThrowsAsync<BgpLabException>(() => new ClabDeployer().DeployAsync(topology,
            new ClabDeployOptions { KindPath = missing }, NullObserver.Instance, default));
        Assert.Equal(("KindNotInstalled", FailureKind.NotInstalled), (e.ErrorId, e.Kind));
        Assert.Contains(missing, e.Message);
        Assert.False(Directory.Exists(topology.LabDirectory));
    }
}
