using BgpLab.Engine.Clab;
using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Tests.Common;
using BgpLab.Engine.Tests.Fixtures;
using Docker.DotNet;

namespace BgpLab.Engine.Tests.Clab;

/// <summary>Deploys of small labs with unique names: failures undo exactly what was created.</summary>
[Collection(DockerCollection.Name)]
public sealed class ClabDeployerTests : IAsyncLifetime
{
    private readonly string _lab = "bgplab-t-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _dir = Directory.CreateTempSubdirectory("bgplab-deploy-").FullName;
    private readonly DockerEngine _docker = DockerEngine.Default;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        var destroyer = new ClabDestroyer(_docker);
        await destroyer.ExecuteAsync(await destroyer.PlanAsync(_lab, null, default), 4, NullObserver.Instance, default);
        var client = await _docker.ConnectAsync(default);
        try { await client.Networks.DeleteNetworkAsync(_lab); } catch (DockerApiException) { }
        Directory.Delete(_dir, recursive: true);
    }

    private ClabTopology Topology(string nodes, string links = "")
    {
        var path = Path.Combine(_dir, "lab.clab.yml");
        File.WriteAllText(path, $"""
            name: {_lab}
            mgmt:
              network: {_lab}
              ipv4-subnet: auto
            topology:
              kinds:
                linux:
                  image: bgplab/frr:latest
                  cmd: bash
              nodes:
            {nodes}
              links:
            {links}
            """);
        return ClabTopologyLoader.Load(path, new Dictionary<string, string?>());
    }

    private static ClabDeployOptions Options(bool strict = false, int workers = 2) =>
        new() { Capabilities = ScenarioFabricFixture.Capabilities, StrictExec = strict, MaxWorkers = workers };

    private async Task AssertNothingLeftAsync()
    {
        Assert.Empty(await _docker.ListContainersAsync(new Dictionary<string, string?> { ["containerlab"] = _lab }, default));
        var client = await _docker.ConnectAsync(default);
        await Assert.ThrowsAsync<DockerNetworkNotFoundException>(() => client.Networks.InspectNetworkAsync(_lab));
        Assert.False(Directory.Exists(Path.Combine(_dir, "clab-" + _lab)));
    }

    [Fact]
    public async Task MissingImageMidwayUndoesEverythingAndNamesNodeAndImage()
    {
        var topology = Topology("""
                a:
                  kind: linux
                b:
                  kind: linux
                  network-mode: container:a
                c:
                  kind: linux
                  image: bgplab/not-built-anywhere:1.0
            """, """
              - endpoints: ["a:net0", "c:net0"]
            """);
        var observer = new RecordingObserver();

        var e = await Assert.ThrowsAsync<BgpLabException>(() => new ClabDeployer(_docker).DeployAsync(topology, Options(workers: 1), observer, default));

        Assert.Equal("ImageUnavailable", e.ErrorId);
        Assert.Contains("'c'", e.Message);
        Assert.Contains("bgplab/not-built-anywhere:1.0", e.Message);
        // a was created before c failed (one worker, file order): the undo removed it.
        Assert.Contains(observer.Verbose, m => System.Text.RegularExpressions.Regex.IsMatch(m, @"removing [1-9] container\(s\)"));
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task FailingExecIsReportedAndOnlyStrictExecFailsTheDeploy()
    {
        var topology = Topology("""
                a:
                  kind: linux
                  exec:
                  - ip link set net0 mtu 1400
                  - bash -c 'echo oops >&2; exit 3'
                  - echo "after the failure"
                z:
                  kind: linux
            """, """
              - endpoints: ["a:net0", "z:eth1"]
                mtu: 1500
            """);
        var observer = new RecordingObserver();
        var lab = await new ClabDeployer(_docker).DeployAsync(topology, Options(), observer, default);

        Assert.Equal([0L, 3L, 0L], lab.ExecResults.Select(r => r.ExitCode));
        Assert.Equal(["ip", "link", "set", "net0", "mtu", "1400"], lab.ExecResults[0].Command);
        Assert.Equal("oops\n", lab.ExecResults[1].Stderr);
        Assert.Equal("after the failure\n", lab.ExecResults[2].Stdout);
        Assert.Contains(observer.Warnings, w => w.Contains("'a'") && w.Contains("exited with code 3") && w.Contains("oops"));
        Assert.Equal(1500, lab.Links.Single().Mtu);
        var zLink = await _docker.ExecAsync($"clab-{_lab}-z", ["cat", "/sys/class/net/eth1/mtu"], default);
        Assert.Equal("1500", zLink.Stdout.Trim());
        // The env containerlab sets.
        var env = await _docker.ExecAsync($"clab-{_lab}-a", ["printenv", "CLAB_INTFS", "CLAB_LABEL_CLAB_NODE_KIND"], default);
        Assert.Equal("1\nlinux\n", env.Stdout);

        var destroyer = new ClabDestroyer(_docker);
        await destroyer.ExecuteAsync(await destroyer.PlanAsync(_lab, topology, default), 2, NullObserver.Instance, default);
        await AssertNothingLeftAsync();

        var e = await Assert.ThrowsAsync<BgpLabException>(() => new ClabDeployer(_docker).DeployAsync(topology, Options(strict: true), NullObserver.Instance, default));
        Assert.Equal("ExecFailed", e.ErrorId);
        Assert.Contains("exit code 3", e.Message);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task PrivilegedStartFailureSaysSoAndHowToChooseCapabilities()
    {
        var topology = Topology("""
                a:
                  kind: linux
            """);

        var e = await Assert.ThrowsAsync<BgpLabException>(() => new ClabDeployer(_docker).DeployAsync(topology, new ClabDeployOptions(), NullObserver.Instance, default));

        Assert.Equal("PrivilegedNotPermitted", e.ErrorId);
        Assert.Equal(FailureKind.PermissionDenied, e.Kind);
        Assert.Contains("privileged", e.Message);
        Assert.Contains("-Capability", e.RecommendedAction);
        Assert.Contains("$BgpLabCapability", e.RecommendedAction);
        Assert.Contains("BGPLAB_CAPABILITIES", e.RecommendedAction);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task InspectorFindsTheLabByLabelsAndCommandsRunInNodes()
    {
        var topology = Topology("""
                a:
                  kind: linux
                  labels:
                    role: spine
            """);
        await new ClabDeployer(_docker).DeployAsync(topology, Options(), NullObserver.Instance, default);

        var lab = Assert.Single(await new ClabInspector(_docker).GetLabsAsync(_lab, default));
        var node = Assert.Single(lab.Nodes);
        Assert.Equal(("a", "linux", "running", _lab), (node.Name, node.Kind, node.State, node.NetworkMode));
        Assert.Equal("spine", node.Labels["role"]);
        Assert.Equal(Path.Combine(_dir, "lab.clab.yml"), lab.TopologyFile);
        Assert.Equal(Path.Combine(_dir, "clab-" + _lab), lab.LabDirectory);
        Assert.Contains(await new ClabInspector(_docker).GetLabsAsync(null, default), l => l.Name == _lab);

        var plan = await new ClabDestroyer(_docker).PlanAsync(_lab, null, default);
        Assert.Equal(["Container", "Network", "Directory"], plan.Items.Select(i => i.Kind));
    }

    [Fact]
    public async Task CancellingMidwayUndoesWhatWasCreated()
    {
        var topology = Topology("""
                a:
                  kind: linux
                b:
                  kind: linux
                c:
                  kind: linux
            """, """
              - endpoints: ["a:net0", "b:net0"]
            """);
        using var cts = new CancellationTokenSource();
        var observer = new RecordingObserver { OnProgress = p => { if (p.Status.EndsWith(" running", StringComparison.Ordinal)) cts.Cancel(); } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new ClabDeployer(_docker).DeployAsync(topology, Options(workers: 1), observer, cts.Token));

        Assert.Contains(observer.Verbose, m => System.Text.RegularExpressions.Regex.IsMatch(m, @"removing [1-9] container\(s\)"));
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task LabsMadeByContainerlabAreInspectedAndRemoved()
    {
        // What containerlab leaves on the engine: a labelled mgmt network, containers with its labels, and
        // clab-<lab>/topology-data.json in its export template's shape (no BgpLab-only keys).
        var client = await _docker.ConnectAsync(default);
        var labDir = Path.Combine(_dir, "clab-" + _lab);
        Directory.CreateDirectory(labDir);
        await client.Networks.CreateNetworkAsync(new global::Docker.DotNet.Models.NetworksCreateParameters
        {
            Name = _lab, Driver = "bridge", Labels = new Dictionary<string, string> { ["containerlab"] = "" },
        });
        foreach (var node in new[] { "srl", "client" })
        {
            await client.Containers.CreateContainerAsync(new global::Docker.DotNet.Models.CreateContainerParameters
            {
                Name = $"clab-{_lab}-{node}", Image = "bgplab/frr:latest", Cmd = ["bash"], Tty = true, OpenStdin = true,
                Labels = new Dictionary<string, string>
                {
                    ["containerlab"] = _lab, ["clab-node-name"] = node, ["clab-node-kind"] = "linux", ["clab-node-type"] = "",
                    ["clab-node-group"] = "", ["clab-node-lab-dir"] = Path.Combine(labDir, node), ["clab-topo-file"] = Path.Combine(_dir, "gone.clab.yml"),
                    ["clab-owner"] = "someone",
                },
                HostConfig = new global::Docker.DotNet.Models.HostConfig { NetworkMode = _lab },
            });
            await client.Containers.StartContainerAsync($"clab-{_lab}-{node}", new global::Docker.DotNet.Models.ContainerStartParameters());
        }
        File.WriteAllText(Path.Combine(labDir, "topology-data.json"), $$"""
            {
              "name": "{{_lab}}",
              "type": "clab",
              "clab": { "config": { "prefix": "clab", "mgmt": { "network": "{{_lab}}", "bridge": "br-0123456789ab", "ipv4-subnet": "172.30.0.0/24", "mtu": 1500 } } },
              "ssh-pub-keys": [],
              "nodes": {
                "srl": { "index": "0", "shortname": "srl", "longname": "clab-{{_lab}}-srl", "fqdn": "srl.{{_lab}}.io", "group": "", "labdir": "", "kind": "linux", "image": "bgplab/frr:latest",
                         "mgmt-net": "", "mgmt-intf": "", "mgmt-ipv4-address": "", "mgmt-ipv4-prefix-length": 0, "mgmt-ipv6-address": "", "mgmt-ipv6-prefix-length": 0,
                         "mac-address": "", "labels": {}, "port-bindings": [ ] },
                "client": { "index": "1", "shortname": "client", "longname": "clab-{{_lab}}-client", "fqdn": "client.{{_lab}}.io", "group": "", "labdir": "", "kind": "linux", "image": "bgplab/frr:latest",
                         "mgmt-net": "", "mgmt-intf": "", "mgmt-ipv4-address": "", "mgmt-ipv4-prefix-length": 0, "mgmt-ipv6-address": "", "mgmt-ipv6-prefix-length": 0,
                         "mac-address": "", "labels": {}, "port-bindings": [ ] }
              },
              "links": [
                { "endpoints": { "a": { "node": "srl", "interface": "e1-1", "mac": "aa:c1:ab:00:00:01", "peer": "z" },
                                 "z": { "node": "client", "interface": "eth1", "mac": "aa:c1:ab:00:00:02", "peer": "a" } } }
              ]
            }
            """);

        var lab = Assert.Single(await new ClabInspector(_docker).GetLabsAsync(_lab, default));
        Assert.Equal(["client", "srl"], lab.Nodes.Select(n => n.Name));
        Assert.Equal("someone", lab.Owner);
        Assert.Equal(labDir, lab.LabDirectory);
        Assert.Equal("srl:e1-1 <-> client:eth1", Assert.Single(lab.Links).ToString());
        Assert.All(lab.Nodes, n => Assert.Equal(_lab, n.NetworkMode));

        var destroyer = new ClabDestroyer(_docker);
        var removed = await destroyer.ExecuteAsync(await destroyer.PlanAsync(_lab, null, default), 2, NullObserver.Instance, default);
        Assert.Equal(["Container", "Container", "Network", "Directory"], removed.Select(r => r.Kind));
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task ExtContainerNodesGetLinksAndExecAndKeepRunningAfterRemoval()
    {
        var ext = _lab + "-ext";
        var client = await _docker.ConnectAsync(default);
        await client.Containers.CreateContainerAsync(new global::Docker.DotNet.Models.CreateContainerParameters
        {
            Name = ext, Image = "bgplab/frr:latest", Cmd = ["bash"], Tty = true, OpenStdin = true,
            HostConfig = new global::Docker.DotNet.Models.HostConfig { CapAdd = ["NET_ADMIN"], NetworkMode = "none" },
        });
        try
        {
            await client.Containers.StartContainerAsync(ext, new global::Docker.DotNet.Models.ContainerStartParameters());
            var topology = Topology($"""
                    a:
                      kind: linux
                    {ext}:
                      kind: ext-container
                      exec:
                      - ip addr add 198.51.100.1/31 dev uplink
                """, $"""
                  - endpoints: ["a:net0", "{ext}:uplink"]
                """);

            var lab = await new ClabDeployer(_docker).DeployAsync(topology, Options(), NullObserver.Instance, default);

            Assert.Equal(0, Assert.Single(lab.ExecResults).ExitCode);
            Assert.Equal(["a"], lab.Nodes.Select(n => n.Name)); // like containerlab inspect: only the lab's own containers
            var seen = await _docker.ExecAsync(ext, ["ip", "-br", "addr", "show", "uplink"], default);
            Assert.Contains("198.51.100.1/31", seen.Stdout);

            var destroyer = new ClabDestroyer(_docker);
            var plan = await destroyer.PlanAsync(_lab, null, default);
            Assert.Equal($"{ext}:uplink", plan.Items.First(i => i.Kind == "Interface").Name);
            await destroyer.ExecuteAsync(plan, 2, NullObserver.Instance, default);
            await AssertNothingLeftAsync();
            var after = await client.Containers.InspectContainerAsync(ext);
            Assert.True(after.State.Running);
            Assert.DoesNotContain("uplink", (await _docker.ExecAsync(ext, ["ip", "-o", "link"], default)).Stdout);
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(ext, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
        }
    }

    [Fact]
    public async Task NetworkModeTargetIsResolvedWithTheLabPrefixAndWaitedForUntilItRuns()
    {
        // Named as the lab's prefix + x, created but not running yet: the deploy waits for it, then joins it.
        var target = $"clab-{_lab}-late";
        var client = await _docker.ConnectAsync(default);
        await client.Containers.CreateContainerAsync(new global::Docker.DotNet.Models.CreateContainerParameters
        {
            Name = target, Image = "bgplab/frr:latest", Cmd = ["bash"], Tty = true, OpenStdin = true,
            HostConfig = new global::Docker.DotNet.Models.HostConfig { NetworkMode = "none" },
        });
        try
        {
            var topology = Topology("""
                    s:
                      kind: linux
                      network-mode: container:late
                """);
            var observer = new RecordingObserver();
            var starter = Task.Delay(1500).ContinueWith(_ => client.Containers.StartContainerAsync(target, new global::Docker.DotNet.Models.ContainerStartParameters())).Unwrap();

            var lab = await new ClabDeployer(_docker).DeployAsync(topology, Options(), observer, default);
            await starter;

            Assert.Equal("container:" + target, Assert.Single(lab.Nodes).NetworkMode);
            Assert.Contains(observer.Verbose, m => m.Contains($"resolved to {target}"));
            Assert.Contains(observer.Statuses, s => s.Contains($"waits for container {target} to run"));
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(target, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
        }
    }

    [Fact]
    public async Task MissingNetworkModeTargetFailsWithinTheTimeoutNamingBothCandidates()
    {
        var topology = Topology("""
                a:
                  kind: linux
                s:
                  kind: linux
                  network-mode: container:nowhere
            """);
        var options = new ClabDeployOptions { Capabilities = ScenarioFabricFixture.Capabilities, Timeout = TimeSpan.FromSeconds(2) };

        var e = await Assert.ThrowsAsync<BgpLabException>(() => new ClabDeployer(_docker).DeployAsync(topology, options, NullObserver.Instance, default));

        Assert.Equal("NetworkModeContainerNotFound", e.ErrorId);
        Assert.Contains($"'clab-{_lab}-nowhere' and 'nowhere'", e.Message);
        Assert.Contains("'s'", e.Message);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task OverlappingMgmtSubnetIsAClearErrorAndLeavesNothing()
    {
        var client = await _docker.ConnectAsync(default);
        var subnet = $"10.{Random.Shared.Next(100, 200)}.{Random.Shared.Next(0, 250)}.0/24";
        var blocker = _lab + "-blocker";
        await client.Networks.CreateNetworkAsync(new global::Docker.DotNet.Models.NetworksCreateParameters
        {
            Name = blocker, Driver = "bridge",
            IPAM = new global::Docker.DotNet.Models.IPAM { Config = [new global::Docker.DotNet.Models.IPAMConfig { Subnet = subnet }] },
        });
        try
        {
            var path = Path.Combine(_dir, "clash.clab.yml");
            File.WriteAllText(path, $"name: {_lab}\nmgmt: {{network: {_lab}, ipv4-subnet: {subnet}}}\ntopology:\n  nodes:\n    a: {{kind: linux, image: bgplab/frr:latest, cmd: bash}}\n");
            var topology = ClabTopologyLoader.Load(path, new Dictionary<string, string?>());

            var e = await Assert.ThrowsAsync<BgpLabException>(() => new ClabDeployer(_docker).DeployAsync(topology, Options(), NullObserver.Instance, default));

            Assert.Equal("MgmtNetworkFailed", e.ErrorId);
            Assert.Contains(subnet, e.Message);
            Assert.Contains("ipv4-subnet", e.RecommendedAction);
            await AssertNothingLeftAsync();
        }
        finally
        {
            await client.Networks.DeleteNetworkAsync(blocker);
        }
    }

    [Fact]
    public async Task LinuxNodeContainersAreCreatedAsContainerlabCreatesThem()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
        File.WriteAllText(Path.Combine(_dir, "data", "hello.txt"), "hi");
        File.WriteAllText(Path.Combine(_dir, "node.env"), "# defaults\nFOO=from-file\nexport FROM_FILE=\"yes\"\n");
        var topology = Topology("""
                a:
                  kind: linux
                  cmd: sleep infinity
                  memory: 256MB
                  shm-size: 64m
                  tmpfs:
                    /scratch: size=8m
                  devices:
                  - /dev/null:/dev/bgplab-null:rw
                  dns:
                    servers: [192.0.2.53]
                    search: [lab.example]
                  env-files:
                  - ./node.env
                  env:
                    FOO: bar baz
                  binds:
                  - ./data:/data:ro
                  ports:
                  - 127.0.0.1::8179/tcp
                  sysctls:
                    net.ipv4.ip_forward: 1
                  labels:
                    containerlab: overridden-by-the-default
                    app: frr
            """);
        await new ClabDeployer(_docker).DeployAsync(topology, Options(), NullObserver.Instance, default);

        var c = await (await _docker.ConnectAsync(default)).Containers.InspectContainerAsync($"clab-{_lab}-a");
        Assert.Equal(("a", true, true, "SIGKILL"), (c.Config.Hostname, c.Config.Tty, c.Config.OpenStdin, c.Config.StopSignal));
        Assert.Equal(["sleep", "infinity"], c.Config.Cmd);
        Assert.Equal(_lab, c.Config.Labels["containerlab"]);
        Assert.Equal("frr", c.Config.Labels["app"]);
        Assert.Equal(("a", "linux", "", Path.Combine(_dir, "clab-" + _lab, "a"), Path.Combine(_dir, "lab.clab.yml")),
            (c.Config.Labels["clab-node-name"], c.Config.Labels["clab-node-kind"], c.Config.Labels["clab-node-type"], c.Config.Labels["clab-node-lab-dir"], c.Config.Labels["clab-topo-file"]));
        Assert.StartsWith("br-", c.Config.Labels["clab-mgmt-net-bridge"]);
        Assert.Contains("FOO=bar baz", c.Config.Env);
        Assert.Contains("FROM_FILE=yes", c.Config.Env);
        Assert.Equal((256L << 20, 64L << 20), (c.HostConfig.Memory, c.HostConfig.ShmSize));
        Assert.Equal(("/dev/null", "/dev/bgplab-null", "rw"), (Assert.Single(c.HostConfig.Devices).PathOnHost, c.HostConfig.Devices[0].PathInContainer, c.HostConfig.Devices[0].CgroupPermissions));
        Assert.Equal(0, (await _docker.ExecAsync($"clab-{_lab}-a", ["test", "-c", "/dev/bgplab-null"], default)).ExitCode);
        Assert.Equal("size=8m", c.HostConfig.Tmpfs["/scratch"]);
        Assert.Equal(("192.0.2.53", "lab.example"), (Assert.Single(c.HostConfig.DNS), Assert.Single(c.HostConfig.DNSSearch)));
        Assert.Contains("CLAB_INTFS=0", c.Config.Env);
        Assert.Contains("CLAB_LABEL_APP=frr", c.Config.Env);
        Assert.Equal(global::Docker.DotNet.Models.RestartPolicyKind.Always, c.HostConfig.RestartPolicy.Name);
        Assert.False(c.HostConfig.Privileged);
        Assert.Contains("NET_ADMIN", c.HostConfig.CapAdd);
        Assert.Equal("0", c.HostConfig.Sysctls["net.ipv6.conf.all.disable_ipv6"]);
        Assert.Equal("1", c.HostConfig.Sysctls["net.ipv4.ip_forward"]);
        Assert.Equal($"{_dir}/data:/data:ro", Assert.Single(c.HostConfig.Binds));
        Assert.Equal("127.0.0.1", Assert.Single(c.HostConfig.PortBindings["8179/tcp"]).HostIP);
        Assert.Equal("hi", (await _docker.ExecAsync($"clab-{_lab}-a", ["cat", "/data/hello.txt"], default)).Stdout);
        Assert.Equal("0\n", (await _docker.ExecAsync($"clab-{_lab}-a", ["cat", "/proc/sys/net/ipv6/conf/all/disable_ipv6"], default)).Stdout);
    }

    [Fact]
    public async Task KeysTheDeployerDoesNotApplyAreNamedInAWarning()
    {
        var topology = Topology("""
                a:
                  kind: linux
                  cgroup-parent: bgplab-test
            """);
        var observer = new RecordingObserver();
        await new ClabDeployer(_docker).DeployAsync(topology, Options(), observer, default);
        Assert.Contains(observer.Warnings, w => w.Contains("Node 'a': cgroup-parent is not applied", StringComparison.Ordinal));
    }

    private sealed class RecordingObserver : IOperationObserver
    {
        public List<string> Warnings { get; } = new();
        public List<string> Verbose { get; } = new();
        public Action<ProgressUpdate>? OnProgress { get; init; }
        public List<string> Statuses { get; } = new();
        public void Progress(ProgressUpdate update)
        {
            lock (Statuses) Statuses.Add(update.Status);
            OnProgress?.Invoke(update);
        }
        void IOperationObserver.Verbose(string message) { lock (Verbose) Verbose.Add(message); }
        public void Warning(string message) { lock (Warnings) Warnings.Add(message); }
    }
}
