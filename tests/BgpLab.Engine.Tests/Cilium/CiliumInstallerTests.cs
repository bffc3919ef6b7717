using System.Text.Json.Nodes;
using BgpLab.Engine.Cilium;
using BgpLab.Engine.Common;
using BgpLab.Engine.Tests.Kube;
using k8s;

namespace BgpLab.Engine.Tests.Cilium;

/// <summary>Tests that run the helm stand-in share process environment (HELM_STANDIN_*), so they run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HelmCollection
{
    public const string Name = "helm stand-in";

    /// <summary>tests/fixtures/HelmStandIn's helm executable, built with the tests (same configuration).</summary>
    public static string HelmPath
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
            return Path.Combine(KubeTestCluster.FixturesDirectory, "HelmStandIn", "bin", configuration, "net10.0", "helm");
        }
    }
}

[Collection(HelmCollection.Name)]
public sealed class CiliumInstallerTests : IAsyncLifetime
{
    private CiliumTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await CiliumTestCluster.StartAsync();
        foreach (var (name, i) in new[] { "control-plane", "worker", "worker2", "worker3" }.Select((n, i) => (n, i)))
        {
            _cluster.Server.Seed(new JsonObject
            {
                ["apiVersion"] = "v1", ["kind"] = "Node",
                ["metadata"] = new JsonObject { ["name"] = $"clab-bgp-cplane-demo-{name}", ["labels"] = new JsonObject { ["rack"] = i < 2 ? "rack0" : "rack1" } },
            });
        }
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static CiliumInstallIntent Scenario => new() { Version = "1.12.1", EnableBgpControlPlane = true, NativeRoutingCidr = "10.0.0.0/8" };

    [Fact]
    public void Helm_command_line_is_the_documented_one()
    {
        var target = CiliumInstaller.Target(_cluster.Connection, null, "helm");
        var command = CiliumHelm.UpgradeInstallCommand(target, "1.12.1", "/tmp/values.yaml");
        Assert.Equal($"helm upgrade --install cilium cilium --repo https://helm.cilium.io/ --version 1.12.1 --namespace kube-system -f /tmp/values.yaml --kube-context double --kubeconfig {_cluster.Kubeconfig}",
            command.ToString());
        var local = CiliumHelm.UpgradeInstallCommand(new CiliumHelmTarget { Chart = _cluster.Directory }, "1.12.1", "v.yaml");
        Assert.Equal(new[] { "upgrade", "--install", "cilium", _cluster.Directory, "--namespace", "kube-system", "-f", "v.yaml" }, local.Arguments);
    }

    [Fact]
    public async Task Install_runs_helm_waits_for_the_rollout_and_is_idempotent()
    {
        var progress = new RecordingObserver();
        var first = await CiliumInstaller.InstallAsync(_cluster.Connection, Scenario, null, HelmCollection.HelmPath, wait: true, TimeSpan.FromSeconds(30), progress, default);
        Assert.Equal("1.12.1", first.Version);
        Assert.Equal(1, first.HelmRevision);
        Assert.Equal((4, 4, 2, 2), (first.AgentPodsDesired, first.AgentPodsReady, first.OperatorDesired, first.OperatorReady));
        Assert.True(first.Ready);
        Assert.Contains("tunnel: disabled", first.Values);
        Assert.Contains(progress.Updates, u => u.Activity == "Waiting for Cilium to roll out" && u.Completed);

        var again = await CiliumInstaller.InstallAsync(_cluster.Connection, Scenario, null, HelmCollection.HelmPath, wait: true, TimeSpan.FromSeconds(30), NullObserver.Instance, default);
        Assert.Equal(2, again.HelmRevision);
        var status = await CiliumInstaller.GetStatusAsync(_cluster.Connection, HelmCollection.HelmPath, NullObserver.Instance, default);
        Assert.Equal((2, "deployed", "1.12.1"), (status!.HelmRevision, status.HelmStatus, status.Version));
        Assert.Contains("ipv4NativeRoutingCIDR: 10.0.0.0/8", status.Values);

        await CiliumInstaller.UninstallAsync(_cluster.Connection, HelmCollection.HelmPath, default);
        Assert.Null(await CiliumInstaller.GetStatusAsync(_cluster.Connection, HelmCollection.HelmPath, NullObserver.Instance, default));
        var e = await Assert.ThrowsAsync<BgpLabException>(() => CiliumInstaller.UninstallAsync(_cluster.Connection, HelmCollection.HelmPath, default));
        Assert.Contains("release: not found", e.Message);
    }

    [Fact]
    public async Task Wait_follows_the_rollout_by_watch_and_times_out_with_what_is_missing()
    {
        Environment.SetEnvironmentVariable("HELM_STANDIN_NO_ROLLOUT", "1");
        try
        {
            var install = CiliumInstaller.InstallAsync(_cluster.Connection, Scenario, null, HelmCollection.HelmPath, wait: true, TimeSpan.FromSeconds(30), NullObserver.Instance, default);
            // The workloads exist but nothing is ready until their status says so: the install keeps waiting.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.False(install.IsCompleted);
            var ds = await _cluster.Connection.Client.AppsV1.ReadNamespacedDaemonSetAsync("cilium", "kube-system");
            ds.Status = new k8s.Models.V1DaemonSetStatus { DesiredNumberScheduled = 4, CurrentNumberScheduled = 4, NumberReady = 4, NumberAvailable = 4, UpdatedNumberScheduled = 4, NumberMisscheduled = 0, ObservedGeneration = ds.Metadata.Generation };
            await _cluster.Connection.Client.AppsV1.ReplaceNamespacedDaemonSetStatusAsync(ds, "cilium", "kube-system");
            var op = await _cluster.Connection.Client.AppsV1.ReadNamespacedDeploymentAsync("cilium-operator", "kube-system");
            op.Status = new k8s.Models.V1DeploymentStatus { Replicas = 2, ReadyReplicas = 2, AvailableReplicas = 2, UpdatedReplicas = 2, ObservedGeneration = op.Metadata.Generation };
            await _cluster.Connection.Client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(op, "cilium-operator", "kube-system");
            var installed = await install.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(installed.Ready);

            await CiliumInstaller.UninstallAsync(_cluster.Connection, HelmCollection.HelmPath, default);
            var e = await Assert.ThrowsAsync<BgpLabException>(() =>
                CiliumInstaller.InstallAsync(_cluster.Connection, Scenario, null, HelmCollection.HelmPath, wait: true, TimeSpan.FromSeconds(2), NullObserver.Instance, default));
            Assert.Equal("CiliumRolloutTimeout", e.ErrorId);
            Assert.Contains("DaemonSet kube-system/cilium 0/0 ready", e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HELM_STANDIN_NO_ROLLOUT", null);
        }
    }

    [Fact]
    public async Task Missing_helm_says_how_to_get_it()
    {
        var e = await Assert.ThrowsAsync<BgpLabException>(() =>
            CiliumInstaller.InstallAsync(_cluster.Connection, Scenario, null, "/nonexistent/helm", wait: false, TimeSpan.FromSeconds(1), NullObserver.Instance, default));
        Assert.Equal("HelmNotInstalled", e.ErrorId);
        Assert.Contains("https://helm.sh/docs/intro/install/", e.RecommendedAction);
    }

    private sealed class RecordingObserver : IOperationObserver
    {
        public List<ProgressUpdate> Updates { get; } = new();
        public void Progress(ProgressUpdate update) { lock (Updates) Updates.Add(update); }
        public void Verbose(string message) { }
        public void Warning(string message) { }
    }
}
