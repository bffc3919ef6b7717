using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Kind;
using BgpLab.Engine.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BgpLab.Engine.Clab;

/// <summary>
/// Deploys linux and ext-container topologies on the Docker engine the way containerlab does (names,
/// labels, container settings, veth links, exec, lab directory), without the containerlab binary.
/// Everything it creates is recorded as it is created, so a failure or Ctrl+C undoes exactly that.
/// </summary>
public sealed class ClabDeployer
{
    private readonly DockerEngine _docker;

    public ClabDeployer(DockerEngine? docker = null) => _docker = docker ?? DockerEngine.Default;

    public async Task<ClabLab> DeployAsync(ClabTopology topology, ClabDeployOptions options, IOperationObserver observer, CancellationToken ct)
    {
        var plan = ClabDeployPlanner.Plan(topology);
        if (plan.Links.Count > 0) NetworkLinks.EnsureRoot();
        // Before anything is created: a missing kind binary is the Kind driver's own clear error.
        var kind = plan.KindClusters.Count > 0 ? new KindCli(options.KindPath) : null;
        var client = await _docker.ConnectAsync(ct).ConfigureAwait(false);
        var inspector = new ClabInspector(_docker);

        var existing = await _docker.ListContainersAsync(new Dictionary<string, string?> { [ClabLabels.Lab] = topology.Name }, ct).ConfigureAwait(false);
        if (existing.Count > 0)
        {
            if (!options.Reconfigure)
            {
                observer.Warning($"Lab '{topology.Name}' is already deployed ({existing.Count} containers); nothing was changed. Use -Reconfigure to destroy and deploy it again.");
                var current = await inspector.GetLabAsync(topology.Name, ct).ConfigureAwait(false);
                return new ClabLab
                {
                    Name = current!.Name, TopologyFile = current.TopologyFile, LabDirectory = current.LabDirectory, Owner = current.Owner,
                    MgmtNetwork = current.MgmtNetwork, Links = current.Links, AlreadyDeployed = true,
                    Nodes = current.Nodes.Concat(await KindClusterNodesAsync(plan, options, ct).ConfigureAwait(false)).ToList(),
                };
            }
            observer.Verbose($"Reconfigure: destroying the running lab '{topology.Name}' first.");
            var destroyer = new ClabDestroyer(_docker) { KindPath = options.KindPath, Kubeconfig = options.Kubeconfig };
            var removal = await destroyer.PlanAsync(topology.Name, topology, ct).ConfigureAwait(false);
            await destroyer.ExecuteAsync(removal, options.MaxWorkers, observer, ct).ConfigureAwait(false);
        }

        foreach (var node in plan.Order.Where(n => n.Kind == "linux"))
        {
            var name = topology.ContainerNameOf(node.Name);
            if (await _docker.TryInspectContainerAsync(name, ct).ConfigureAwait(false) is not null)
                throw new BgpLabException($"Container '{name}' (node '{node.Name}') already exists and does not belong to lab '{topology.Name}'. Remove it or rename the node.",
                    "ContainerExists", FailureKind.ResourceExists, name);
        }

        using var run = new DeployRun(this, plan, options, observer, client, kind, ct);
        var started = Stopwatch.StartNew();
        try
        {
            await run.ExecuteAsync().ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            var reported = run.FirstFailure ?? failure;
            if (options.KeepOnFailure)
            {
                observer.Warning($"Deploy of '{topology.Name}' failed; -KeepOnFailure leaves {run.CreatedSummary} in place.");
            }
            else
            {
                observer.Verbose($"Deploy of '{topology.Name}' failed; removing {run.CreatedSummary}.");
                await run.UndoAsync().ConfigureAwait(false);
            }
            if (reported is OperationCanceledException && ct.IsCancellationRequested) throw new OperationCanceledException(ct);
            throw reported is BgpLabException ? reported
                : new BgpLabException($"Deploying lab '{topology.Name}' failed: {reported.Message}", "DeployFailed", FailureKind.InvalidOperation, topology.Name, reported);
        }
        finally
        {
            observer.Progress(new ProgressUpdate(run.ActivityId, $"Deploying lab {topology.Name}", "done", Completed: true));
        }

        var lab = await inspector.GetLabAsync(topology.Name, ct).ConfigureAwait(false)
                  ?? throw new BgpLabException($"Lab '{topology.Name}' was deployed but its containers are not listed by the engine.", "LabVanished", FailureKind.InvalidOperation, topology.Name);
        var nodes = lab.Nodes.Select(n => run.Exec.TryGetValue(n.Name, out var results) ? WithExec(n, results) : n)
            .Concat(await KindClusterNodesAsync(plan, options, ct).ConfigureAwait(false)).ToList();
        return new ClabLab
        {
            Name = lab.Name, TopologyFile = lab.TopologyFile, LabDirectory = lab.LabDirectory, Owner = lab.Owner, MgmtNetwork = lab.MgmtNetwork,
            Nodes = nodes, Links = run.Links.ToList(),
            ExecResults = plan.Order.SelectMany(n => run.Exec.TryGetValue(n.Name, out var r) ? r : []).ToList(),
            DeployDuration = started.Elapsed,
            LinkWiringDuration = TimeSpan.FromTicks(run.LinkWiringTicks),
        };
    }

    /// <summary>The k8s-kind nodes as lab nodes: one entry per cluster, running when all its node containers run.</summary>
    private async Task<IReadOnlyList<ClabLabNode>> KindClusterNodesAsync(ClabDeployPlan plan, ClabDeployOptions options, CancellationToken ct)
    {
        var result = new List<ClabLabNode>();
        foreach (var planned in plan.KindClusters.Values)
        {
            var cluster = (await KindClusters.GetAsync(_docker, planned.Node, options.Kubeconfig, ct).ConfigureAwait(false)).FirstOrDefault();
            var running = cluster is not null && cluster.Nodes.All(n => n.State == "running");
            result.Add(new ClabLabNode
            {
                Lab = plan.Topology.Name, Name = planned.Node, Kind = "k8s-kind", Image = planned.Image, ContainerName = planned.Node,
                State = cluster is null ? "missing" : running ? "running" : "degraded",
                Status = cluster is null ? null : $"Kind cluster, nodes: {string.Join(", ", cluster.Nodes.Select(n => n.Name))}",
            });
        }
        return result;
    }

    /// <summary>Collects log lines synchronously (Progress&lt;T&gt; would post them later).</summary>
    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) { lock (lines) lines.Add(value); }
    }

    private static ClabLabNode WithExec(ClabLabNode n, IReadOnlyList<ClabNodeCommandResult> exec) => new()
    {
        Lab = n.Lab, Name = n.Name, Kind = n.Kind, Image = n.Image, ContainerId = n.ContainerId, ContainerName = n.ContainerName, State = n.State,
        Status = n.Status, MgmtIPv4 = n.MgmtIPv4, MgmtIPv6 = n.MgmtIPv6, NetworkMode = n.NetworkMode, Group = n.Group, Owner = n.Owner, Labels = n.Labels, Exec = exec,
    };

    /// <summary>One deploy in progress: the tasks, what has been created so far, and how to undo it.</summary>
    private sealed class DeployRun : IDisposable
    {
        private static int _activitySeed = 4200;
        private readonly ClabDeployer _owner;
        private readonly ClabDeployPlan _plan;
        private readonly ClabTopology _topology;
        private readonly ClabDeployOptions _options;
        private readonly IOperationObserver _observer;
        private readonly IDockerClient _client;
        private readonly CancellationTokenSource _cts;
        private readonly SemaphoreSlim _workers;
        private readonly Dictionary<string, TaskCompletionSource> _started = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, NodeRuntime> _runtime = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Lazy<Task>> _images = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<string> _createdContainers = new();
        private readonly ConcurrentQueue<(NetNamespace Namespace, string Interface)> _externalLinkEnds = new();
        private readonly List<NetNamespace> _namespaces = new();
        private readonly KindCli? _kind;
        private readonly ConcurrentQueue<string> _createdClusters = new();
        private readonly string _owner_;
        private string? _createdNetwork;
        private bool _createdLabDir;
        private string _mgmtBridge = "";
        private int _done;
        private int _total;

        public DeployRun(ClabDeployer owner, ClabDeployPlan plan, ClabDeployOptions options, IOperationObserver observer, IDockerClient client, KindCli? kind, CancellationToken ct)
        {
            _owner = owner;
            _kind = kind;
            _plan = plan;
            _topology = plan.Topology;
            _options = options;
            _observer = observer;
            _client = client;
            _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _workers = new SemaphoreSlim(Math.Max(1, options.MaxWorkers));
            _owner_ = options.Owner ?? ClabDeployOptions.DefaultOwner();
            foreach (var node in plan.Order) _started[node.Name] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            ActivityId = Interlocked.Increment(ref _activitySeed);
        }

        public int ActivityId { get; }
        // Wall time during which at least one link was being wired (links wire concurrently; summing would
        // count lock waits many times over).
        private readonly object _wiringGate = new();
        private readonly Stopwatch _wiringClock = new();
        private int _wiringActive;
        private long _linkWiringTicks;
        public long LinkWiringTicks { get { lock (_wiringGate) return _linkWiringTicks; } }

        private void WiringStarted()
        {
            lock (_wiringGate) if (_wiringActive++ == 0) _wiringClock.Restart();
        }

        private void WiringEnded()
        {
            lock (_wiringGate) if (--_wiringActive == 0) _linkWiringTicks += _wiringClock.Elapsed.Ticks;
        }
        public Exception? FirstFailure { get; private set; }
        public ConcurrentDictionary<string, IReadOnlyList<ClabNodeCommandResult>> Exec { get; } = new(StringComparer.Ordinal);
        public ConcurrentBag<ClabLink> LinksMade { get; } = new();
        public IEnumerable<ClabLink> Links => LinksMade.OrderBy(l => _plan.Links.First(p => p.A.Node == l.ANode && p.A.Interface == l.AInterface).Index);

        private CancellationToken Token => _cts.Token;
        private string MgmtNetwork => _topology.Mgmt.EffectiveNetwork;

        public string CreatedSummary =>
            $"{_createdContainers.Count} container(s), {_createdClusters.Count} Kind cluster(s), {_externalLinkEnds.Count} link end(s) in external namespaces" +
            (_createdNetwork is null ? "" : $", network {_createdNetwork}") + (_createdLabDir ? ", the lab directory" : "");

        private sealed record NodeRuntime(string Container, NetNamespace Namespace, bool ExternalNamespace);

        public async Task ExecuteAsync()
        {
            var nodesWithExec = _plan.Order.Count(n => n.Effective.Exec is { Count: > 0 });
            _total = _plan.Order.Count + _plan.Links.Count + nodesWithExec + 2;
            Report("management network");
            await EnsureMgmtNetworkAsync().ConfigureAwait(false);
            Step("lab directory");
            PrepareLabDirectory();
            Step("nodes");

            var nodeTasks = _plan.Order.Select(n => Guard(() => DeployNodeAsync(n), n.Name)).ToList();
            var linkTasks = _plan.Links.Select(l => (Link: l, Task: Guard(() => WireLinkAsync(l), $"link {l}"))).ToList();
            var execTasks = _plan.Order.Where(n => n.Effective.Exec is { Count: > 0 }).Select(n =>
            {
                var own = linkTasks.Where(t => t.Link.A.Node == n.Name || t.Link.Z.Node == n.Name).Select(t => t.Task).ToList();
                return Guard(() => RunExecAsync(n, own), n.Name);
            }).ToList();
            await Task.WhenAll(nodeTasks.Concat(linkTasks.Select(t => t.Task)).Concat(execTasks)).ConfigureAwait(false);

            Step("topology-data.json");
            await WriteTopologyDataAsync().ConfigureAwait(false);
            if (_options.StrictExec)
            {
                var failed = Exec.Values.SelectMany(r => r).Where(r => !r.Succeeded).ToList();
                if (failed.Count > 0)
                {
                    var first = failed[0];
                    throw FirstFailure = new BgpLabException(
                        $"{failed.Count} exec command(s) failed (-StrictExec); first: node '{first.Node}' ran '{first.CommandLine}', exit code {first.ExitCode}: {first.Stderr.Trim()}",
                        "ExecFailed", FailureKind.InvalidOperation, first.Node);
                }
            }
        }

        /// <summary>Runs one unit of work; the first failure cancels the rest (and names what failed).</summary>
        private async Task Guard(Func<Task> work, string what)
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                if (e is not OperationCanceledException || !_cts.IsCancellationRequested)
                {
                    lock (_started)
                    {
                        FirstFailure ??= e is BgpLabException ? e : new BgpLabException($"{what}: {e.Message}", "DeployFailed", FailureKind.InvalidOperation, what, e);
                    }
                }
                else
                {
                    lock (_started) FirstFailure ??= e;
                }
                _cts.Cancel();
                throw;
            }
        }

        private void Report(string status) =>
            _observer.Progress(new ProgressUpdate(ActivityId, $"Deploying lab {_topology.Name}", status,
                _total == 0 ? -1 : Math.Min(100, 100 * Volatile.Read(ref _done) / _total)));

        private void Step(string status)
        {
            Interlocked.Increment(ref _done);
            Report(status);
        }

        private async Task EnsureMgmtNetworkAsync()
        {
            var mgmt = _topology.Mgmt;
            var existing = await TryInspectNetworkAsync(MgmtNetwork).ConfigureAwait(false);
            if (existing is null)
            {
                var ipam = new List<IPAMConfig>();
                if (mgmt.EffectiveIPv4Subnet is { } v4 && v4 != "auto")
                    ipam.Add(new IPAMConfig { Subnet = v4, Gateway = mgmt.IPv4Gateway, IPRange = mgmt.IPv4Range });
                if (mgmt.EffectiveIPv6Subnet is { } v6 && v6 != "auto")
                    ipam.Add(new IPAMConfig { Subnet = v6, Gateway = mgmt.IPv6Gateway, IPRange = mgmt.IPv6Range });
                var driverOptions = new Dictionary<string, string>(mgmt.DriverOptions ?? new());
                driverOptions["com.docker.network.driver.mtu"] = (mgmt.Mtu?.ToString() ?? await DefaultBridgeMtuAsync().ConfigureAwait(false));
                if (!string.IsNullOrEmpty(mgmt.Bridge)) driverOptions["com.docker.network.bridge.name"] = mgmt.Bridge;
                try
                {
                    await _client.Networks.CreateNetworkAsync(new NetworksCreateParameters
                    {
                        Name = MgmtNetwork,
                        Driver = "bridge",
                        EnableIPv6 = mgmt.EffectiveIPv6Subnet is not null,
                        IPAM = new IPAM { Config = ipam },
                        Options = driverOptions,
                        Labels = new Dictionary<string, string> { [ClabLabels.Lab] = "" },
                    }, Token).ConfigureAwait(false);
                    _createdNetwork = MgmtNetwork;
                    _observer.Verbose($"Created management network {MgmtNetwork} ({string.Join(", ", ipam.Select(i => i.Subnet))}).");
                }
                catch (DockerApiException e)
                {
                    // Another deploy may have created it meanwhile (name taken, or its pool overlaps ours): reuse it.
                    if (await TryInspectNetworkAsync(MgmtNetwork).ConfigureAwait(false) is not null)
                        _observer.Verbose($"Management network {MgmtNetwork} appeared meanwhile ({DockerErrors.MessageOf(e)}); reusing it.");
                    else throw new BgpLabException($"Cannot create the management network '{MgmtNetwork}' ({string.Join(", ", ipam.Select(i => i.Subnet))}): {DockerErrors.MessageOf(e)}",
                        "MgmtNetworkFailed", FailureKind.ResourceUnavailable, MgmtNetwork, e)
                    {
                        RecommendedAction = "Choose other subnets under mgmt: (ipv4-subnet / ipv6-subnet) or remove the network that overlaps.",
                    };
                }
                existing = await TryInspectNetworkAsync(MgmtNetwork).ConfigureAwait(false)
                           ?? throw new BgpLabException($"Management network '{MgmtNetwork}' vanished right after creation.", "MgmtNetworkFailed", FailureKind.InvalidOperation, MgmtNetwork);
            }
            else
            {
                _observer.Verbose($"Reusing management network {MgmtNetwork}.");
            }
            _mgmtBridge = existing.Options is not null && existing.Options.TryGetValue("com.docker.network.bridge.name", out var bridge)
                ? bridge : "br-" + existing.ID[..12];
        }

        private async Task<string> DefaultBridgeMtuAsync()
        {
            var bridge = await TryInspectNetworkAsync("bridge").ConfigureAwait(false);
            return bridge?.Options is not null && bridge.Options.TryGetValue("com.docker.network.driver.mtu", out var mtu) ? mtu : "1500";
        }

        private async Task<NetworkResponse?> TryInspectNetworkAsync(string name)
        {
            try
            {
                return await _client.Networks.InspectNetworkAsync(name, Token).ConfigureAwait(false);
            }
            catch (DockerNetworkNotFoundException)
            {
                return null;
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return null;
            }
        }

        private void PrepareLabDirectory()
        {
            var dir = _topology.LabDirectory;
            if (!Directory.Exists(dir))
            {
                Directory.CreateDirectory(dir);
                _createdLabDir = true;
            }
            // Empty placeholder first, as containerlab does, so binds of it work before the lab is up.
            var data = Path.Combine(dir, ClabTopologyData.FileName);
            if (!File.Exists(data)) File.WriteAllText(data, "");
        }

        private async Task WriteTopologyDataAsync()
        {
            var facts = new Dictionary<string, ClabTopologyData.NodeFacts>(StringComparer.Ordinal);
            var labels = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            foreach (var node in _plan.Order)
            {
                if (!_runtime.TryGetValue(node.Name, out var rt)) continue;
                var inspected = await _client.Containers.InspectContainerAsync(rt.Container, Token).ConfigureAwait(false);
                var (v4, v6) = MgmtAddresses(inspected, MgmtNetwork);
                string? mac = null;
                if (inspected.NetworkSettings?.Networks is { } nets && nets.TryGetValue(MgmtNetwork, out var ep)) mac = ep.MacAddress;
                facts[node.Name] = new ClabTopologyData.NodeFacts(rt.Container, v4, v6, mac);
                if (inspected.Config?.Labels is { } l) labels[node.Name] = new Dictionary<string, string>(l);
            }
            var json = ClabTopologyData.Render(_topology, _mgmtBridge, facts, Links.ToList(), labels);
            await File.WriteAllTextAsync(Path.Combine(_topology.LabDirectory, ClabTopologyData.FileName), json, Token).ConfigureAwait(false);
        }

        internal static (string? IPv4, string? IPv6) MgmtAddresses(ContainerInspectResponse inspected, string network)
        {
            if (inspected.NetworkSettings?.Networks is null || !inspected.NetworkSettings.Networks.TryGetValue(network, out var ep)) return (null, null);
            var v4 = string.IsNullOrEmpty(ep.IPAddress) ? null : $"{ep.IPAddress}/{ep.IPPrefixLen}";
            var v6 = string.IsNullOrEmpty(ep.GlobalIPv6Address) ? null : $"{ep.GlobalIPv6Address}/{ep.GlobalIPv6PrefixLen}";
            return (v4, v6);
        }

        // ---------------------------------------------------------------- nodes

        private async Task DeployNodeAsync(ClabNode node)
        {
            try
            {
                NodeRuntime? runtime = null;
                if (_plan.WaitsForCluster.TryGetValue(node.Name, out var clusterNode))
                    await _started[clusterNode].Task.WaitAsync(Token).ConfigureAwait(false);
                if (node.Kind == "k8s-kind")
                {
                    await EnsureKindClusterAsync(_plan.KindClusters[node.Name]).ConfigureAwait(false);
                }
                else if (node.Kind == "ext-container")
                {
                    var pid = await WaitRunningAsync(node.Name, node.Name, "is an ext-container node").ConfigureAwait(false);
                    runtime = new NodeRuntime(node.Name, OpenNamespace(pid, node.Name), ExternalNamespace: true);
                }
                else
                {
                    string? networkMode = null;
                    NodeRuntime? sharedWith = null;
                    var externalTarget = false;
                    if (_plan.SharesNamespaceWith.TryGetValue(node.Name, out var target))
                    {
                        await _started[target].Task.WaitAsync(Token).ConfigureAwait(false);
                        sharedWith = _runtime[target];
                        networkMode = "container:" + sharedWith.Container;
                    }
                    else if (_plan.ExternalNamespace.TryGetValue(node.Name, out var raw))
                    {
                        var resolved = await ResolveExternalAsync(node, raw).ConfigureAwait(false);
                        networkMode = "container:" + resolved;
                        externalTarget = true;
                    }

                    await _workers.WaitAsync(Token).ConfigureAwait(false);
                    try
                    {
                        Report($"creating {node.Name}");
                        await EnsureImageAsync(node).ConfigureAwait(false);
                        var container = await CreateAndStartAsync(node, networkMode).ConfigureAwait(false);
                        var inspected = await _client.Containers.InspectContainerAsync(container, Token).ConfigureAwait(false);
                        if (inspected.State?.Running != true)
                            throw await ExitedAsync(node, container, inspected).ConfigureAwait(false);
                        var ns = sharedWith?.Namespace ?? OpenNamespace((int)inspected.State.Pid, container);
                        runtime = new NodeRuntime(container, ns, sharedWith?.ExternalNamespace ?? externalTarget);
                        if (networkMode is null && node.NetworkMode is not ("none" or "host"))
                            TryTxOffOnEth0(ns, node.Name);
                        NetNamespaceNames.TryLink(container, (int)inspected.State.Pid);
                    }
                    finally
                    {
                        _workers.Release();
                    }
                }
                if (runtime is not null) _runtime[node.Name] = runtime;
                Step($"{node.Name} running");
                _started[node.Name].TrySetResult();
            }
            catch (Exception e)
            {
                _started[node.Name].TrySetException(e);
                throw;
            }
        }

        /// <summary>Creates the cluster through the Kind driver (as New-KindCluster does) unless one of that name exists: then it is reused.</summary>
        private async Task EnsureKindClusterAsync(PlannedKindCluster planned)
        {
            var existing = await KindClusters.GetAsync(_owner._docker, planned.Node, _options.Kubeconfig, Token).ConfigureAwait(false);
            if (existing.Count > 0)
            {
                _observer.Verbose($"k8s-kind node '{planned.Node}': Kind cluster '{planned.Node}' exists ({string.Join(", ", existing[0].Nodes.Select(n => n.Name))}); reusing it.");
                return;
            }
            Report($"creating Kind cluster {planned.Node}");
            // Recorded before kind runs: a failed or cancelled create leaves containers that undo must delete.
            _createdClusters.Enqueue(planned.Node);
            await KindClusters.CreateAsync(_owner._docker, _kind!, planned.Config,
                new KindCreateOptions { Name = planned.Node, Image = planned.Image, Kubeconfig = _options.Kubeconfig }, _observer, Token).ConfigureAwait(false);
        }

        private NetNamespace OpenNamespace(int pid, string owner)
        {
            var ns = NetNamespace.OfProcess(pid, owner);
            lock (_namespaces) _namespaces.Add(ns);
            return ns;
        }

        private void TryTxOffOnEth0(NetNamespace ns, string node)
        {
            if (!LibC.IsRoot) return;
            try
            {
                NetworkLinks.SetTxChecksumOffload(ns, "eth0", false);
            }
            catch (BgpLabException e)
            {
                _observer.Verbose($"{node}: TX checksum offload stays on for eth0 ({e.Message}).");
            }
        }

        /// <summary>
        /// containerlab's resolution of <c>container:x</c> for x outside the lab: the lab's prefix + x first,
        /// then x as written; then waits (bounded) on the name that matched, not on the raw one.
        /// </summary>
        private async Task<string> ResolveExternalAsync(ClabNode node, string raw)
        {
            var prefixed = _topology.ContainerNamePrefix + raw;
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                foreach (var candidate in prefixed == raw ? new[] { raw } : new[] { prefixed, raw })
                {
                    var c = await _owner._docker.TryInspectContainerAsync(candidate, Token).ConfigureAwait(false);
                    if (c is null) continue;
                    if (candidate != raw) _observer.Verbose($"{node.Name}: network-mode container:{raw} resolved to {candidate}.");
                    await WaitRunningAsync(candidate, node.Name, $"shares its network namespace (network-mode container:{raw})", deadline).ConfigureAwait(false);
                    return candidate;
                }
                if (deadline.Elapsed >= _options.Timeout)
                    throw new BgpLabException(
                        $"Node '{node.Name}': container '{raw}' named in network-mode was not found (looked for '{prefixed}' and '{raw}') within {_options.Timeout.TotalSeconds:0} s.",
                        "NetworkModeContainerNotFound", FailureKind.ObjectNotFound, node.Name)
                    {
                        RecommendedAction = $"Start the container first (for a Kind node: create the Kind cluster named '{_topology.ContainerNamePrefix.TrimEnd('-')}'), or name it in full in network-mode.",
                    };
                Report($"{node.Name} waits for container {prefixed} or {raw} ({deadline.Elapsed.TotalSeconds:0} s)");
                await Task.Delay(500, Token).ConfigureAwait(false);
            }
        }

        /// <summary>Waits (bounded) until a container runs; returns its pid.</summary>
        private async Task<int> WaitRunningAsync(string container, string node, string why, Stopwatch? clock = null)
        {
            clock ??= Stopwatch.StartNew();
            while (true)
            {
                var c = await _owner._docker.TryInspectContainerAsync(container, Token).ConfigureAwait(false);
                if (c?.State?.Running == true && c.State.Pid > 0) return (int)c.State.Pid;
                if (clock.Elapsed >= _options.Timeout)
                    throw new BgpLabException(
                        $"Node '{node}' {why}, but container '{container}' {(c is null ? "does not exist" : $"is {c.State?.Status}")} after {_options.Timeout.TotalSeconds:0} s.",
                        "DependencyNotRunning", FailureKind.OperationTimeout, node);
                Report($"{node} waits for container {container} to run ({clock.Elapsed.TotalSeconds:0} s)");
                await Task.Delay(500, Token).ConfigureAwait(false);
            }
        }

        private Task EnsureImageAsync(ClabNode node)
        {
            var image = node.Image!;
            var lazy = _images.GetOrAdd(image, i => new Lazy<Task>(() => PullIfMissingAsync(i)));
            return Await(lazy.Value, node, image);

            static async Task Await(Task pull, ClabNode node, string image)
            {
                try
                {
                    await pull.ConfigureAwait(false);
                }
                catch (BgpLabException e) when (e.ErrorId == "ImageUnavailable")
                {
                    throw new BgpLabException($"Node '{node.Name}': image '{image}' {e.Message}", "ImageUnavailable", FailureKind.ObjectNotFound, node.Name, e.InnerException)
                    {
                        RecommendedAction = e.RecommendedAction,
                    };
                }
            }
        }

        private async Task PullIfMissingAsync(string image)
        {
            try
            {
                await _client.Images.InspectImageAsync(image, Token).ConfigureAwait(false);
                return;
            }
            catch (DockerImageNotFoundException) { }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }

            _observer.Verbose($"Pulling image {image}.");
            var (repository, tag) = SplitImage(image);
            try
            {
                await _client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = repository, Tag = tag }, null, new Progress<JSONMessage>(), Token).ConfigureAwait(false);
                await _client.Images.InspectImageAsync(image, Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
            {
                var reason = e is DockerApiException d ? DockerErrors.MessageOf(d) : e.Message;
                throw new BgpLabException($"is not present on the Docker engine and could not be pulled: {reason}", "ImageUnavailable", FailureKind.ObjectNotFound, image, e)
                {
                    RecommendedAction = $"Build or load the image (docker pull {image}, docker load) or fix the node's image: key.",
                };
            }
        }

        internal static (string Repository, string Tag) SplitImage(string image)
        {
            var at = image.IndexOf('@');
            if (at >= 0) return (image[..at], image[(at + 1)..]);
            var colon = image.LastIndexOf(':');
            return colon > image.LastIndexOf('/') ? (image[..colon], image[(colon + 1)..]) : (image, "latest");
        }

        private async Task<string> CreateAndStartAsync(ClabNode node, string? sharedNetworkMode)
        {
            var name = _topology.ContainerNameOf(node.Name);
            var parameters = BuildContainer(node, name, sharedNetworkMode);
            // Say what the file asks for that this deployer does not do, rather than dropping it silently.
            var unapplied = node.Effective.Extra.Keys.Where(k => !AppliedExtraKeys.Contains(k))
                .Concat(node.Effective.Volumes is { Count: > 0 } ? ["volumes"] : []).ToList();
            if (unapplied.Count > 0)
                _observer.Warning($"Node '{node.Name}': {string.Join(", ", unapplied)} {(unapplied.Count == 1 ? "is" : "are")} not applied by BgpLab's deployer (containerlab applies {(unapplied.Count == 1 ? "it" : "them")}).");
            try
            {
                await _client.Containers.CreateContainerAsync(parameters, Token).ConfigureAwait(false);
            }
            catch (DockerApiException e)
            {
                throw new BgpLabException($"Node '{node.Name}': creating container '{name}' failed: {DockerErrors.MessageOf(e)}", "ContainerCreateFailed",
                    FailureKind.InvalidOperation, node.Name, e);
            }
            _createdContainers.Enqueue(name);
            try
            {
                await _client.Containers.StartContainerAsync(name, new ContainerStartParameters(), Token).ConfigureAwait(false);
            }
            catch (DockerApiException e)
            {
                var message = DockerErrors.MessageOf(e);
                if (parameters.HostConfig.Privileged && (message.Contains("apply caps", StringComparison.OrdinalIgnoreCase) || message.Contains("operation not permitted", StringComparison.OrdinalIgnoreCase)))
                    throw new BgpLabException(
                        $"Node '{node.Name}': container '{name}' cannot start privileged on this host ({message}). Containerlab runs linux nodes privileged, " +
                        "but this host does not allow it (its capability bounding set lacks capabilities privileged mode asks for, e.g. CAP_SYS_RESOURCE).",
                        "PrivilegedNotPermitted", FailureKind.PermissionDenied, node.Name, e)
                    {
                        RecommendedAction = "Run the nodes with an explicit capability set instead: Deploy-ClabTopology -Capability " +
                                            string.Join(',', ClabDeployOptions.SuggestedCapabilities) +
                                            ", or set it for the session ($BgpLabCapability = '" + string.Join("','", ClabDeployOptions.SuggestedCapabilities) +
                                            "') or the environment (BGPLAB_CAPABILITIES=" + string.Join(',', ClabDeployOptions.SuggestedCapabilities) + ").",
                    };
                throw new BgpLabException($"Node '{node.Name}': starting container '{name}' failed: {message}", "ContainerStartFailed", FailureKind.InvalidOperation, node.Name, e);
            }
            return name;
        }

        private async Task<BgpLabException> ExitedAsync(ClabNode node, string container, ContainerInspectResponse inspected)
        {
            var output = "";
            try
            {
                var lines = new List<string>();
                await _client.Containers.GetContainerLogsAsync(container,
                    new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = "20" }, new SyncProgress(lines), Token).ConfigureAwait(false);
                output = string.Join("\n", lines).Trim();
            }
            catch (DockerApiException) { }
            return new BgpLabException(
                $"Node '{node.Name}': container '{container}' is {inspected.State?.Status} (exit code {inspected.State?.ExitCode}) right after start{(output.Length > 0 ? ": " + output : ".")}",
                "ContainerExited", FailureKind.InvalidOperation, node.Name);
        }

        internal CreateContainerParameters BuildContainer(ClabNode node, string name, string? sharedNetworkMode)
        {
            var s = node.Effective;
            var labels = new Dictionary<string, string>(s.Labels ?? new(), StringComparer.Ordinal);
            foreach (var (k, v) in ClabLabels.For(_topology, node, name, _owner_, _mgmtBridge)) labels[k] = v;

            // env-files first, then env: the node's own env map wins per key, as in containerlab.
            var env = ReadEnvFiles(node);
            foreach (var (k, v) in s.Env ?? new()) env[k] = v;
            env = new Dictionary<string, string>(env, StringComparer.Ordinal)
            {
                ["CLAB_INTFS"] = _plan.Links.Sum(l => (l.A.Node == node.Name ? 1 : 0) + (l.Z.Node == node.Name ? 1 : 0)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            foreach (var (k, v) in labels) env["CLAB_LABEL_" + EnvKey(k)] = v;
            var noProxy = "localhost,127.0.0.1,::1,*.local," + string.Join(',', _topology.Nodes.Select(n => n.Name));
            env.TryAdd("no_proxy", noProxy);
            env.TryAdd("NO_PROXY", noProxy);

            var networkMode = sharedNetworkMode ?? node.NetworkMode switch
            {
                "host" or "none" => node.NetworkMode,
                null or "" => MgmtNetwork,
                var other => other,
            };
            var sysctls = new Dictionary<string, string>(StringComparer.Ordinal);
            if (networkMode != "host") sysctls["net.ipv6.conf.all.disable_ipv6"] = "0";
            foreach (var (k, v) in s.Sysctls ?? new()) sysctls[k] = v;

            var capAdd = new List<string>();
            bool privileged;
            if (_options.Capabilities is { } caps)
            {
                privileged = false;
                capAdd.AddRange(caps);
            }
            else
            {
                privileged = s.Privileged ?? true;
            }
            foreach (var c in s.CapAdd ?? []) if (!capAdd.Contains(c, StringComparer.OrdinalIgnoreCase)) capAdd.Add(c);

            var (exposed, bindings) = ParsePorts(node);
            var host = new HostConfig
            {
                Privileged = privileged,
                CapAdd = capAdd.Count > 0 ? capAdd : null,
                RestartPolicy = new RestartPolicy { Name = ParseRestart(s.RestartPolicy) },
                NetworkMode = networkMode,
                Sysctls = sysctls,
                Binds = ResolveBinds(node),
                PortBindings = bindings,
                AutoRemove = s.AutoRemove ?? false,
                PidMode = s.PidMode,
                Runtime = s.Runtime,
            };
            if (LibC.OpenFilesHardLimit() is { } hard)
            {
                var limit = (long)Math.Min(hard, 1048576UL);
                host.Ulimits = [new Ulimit { Name = "nofile", Soft = limit, Hard = limit }];
            }
            if (!string.IsNullOrEmpty(s.CpuSet)) host.CpusetCpus = s.CpuSet;
            if (s.Cpu is { } cpu) host.NanoCPUs = (long)(cpu * 1e9);
            if (!string.IsNullOrEmpty(s.Memory)) host.Memory = DockerSizes.Parse(s.Memory, $"{node.Position?.ToString() ?? node.Name}: memory of node '{node.Name}'");
            if (!string.IsNullOrEmpty(s.ShmSize)) host.ShmSize = DockerSizes.Parse(s.ShmSize, $"{node.Position?.ToString() ?? node.Name}: shm-size of node '{node.Name}'");
            if (s.Devices is { Count: > 0 } devices) host.Devices = devices.Select(ParseDevice).ToList();
            // Like containerlab: no DNS servers of our own in a shared network namespace (the owner's resolver applies).
            if (s.Extra.TryGetValue("tmpfs", out var tmpfs) && tmpfs is Dictionary<string, object?> mounts)
                host.Tmpfs = mounts.ToDictionary(kv => kv.Key, kv => Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
            if (s.Extra.TryGetValue("security-opts", out var securityOpts) && securityOpts is List<object?> opts)
                host.SecurityOpt = opts.Select(o => Convert.ToString(o, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList();
            if (sharedNetworkMode is null && !networkMode.StartsWith("container:", StringComparison.Ordinal))
            {
                if (s.Dns is { Count: > 0 } dns) host.DNS = dns.ToList();
                if (s.DnsSearch is { Count: > 0 } search) host.DNSSearch = search.ToList();
                if (s.DnsOptions is { Count: > 0 } options) host.DNSOptions = options.ToList();
            }

            var parameters = new CreateContainerParameters
            {
                Name = name,
                Image = node.Image,
                Hostname = sharedNetworkMode is null && networkMode != "host" ? s.Hostname ?? node.Name : null,
                Env = env.Select(kv => $"{kv.Key}={kv.Value}").ToList(),
                Labels = labels,
                Tty = true,
                OpenStdin = true,
                AttachStdout = true,
                AttachStderr = true,
                StopSignal = "SIGKILL",
                User = s.User,
                Cmd = string.IsNullOrEmpty(s.Cmd) ? null : ShellWords.Split(s.Cmd, $"node '{node.Name}' cmd").ToList(),
                Entrypoint = string.IsNullOrEmpty(s.Entrypoint) ? null : ShellWords.Split(s.Entrypoint, $"node '{node.Name}' entrypoint").ToList(),
                ExposedPorts = exposed,
                HostConfig = host,
            };
            if (networkMode == MgmtNetwork)
            {
                parameters.NetworkingConfig = new NetworkingConfig
                {
                    EndpointsConfig = new Dictionary<string, EndpointSettings>
                    {
                        [MgmtNetwork] = new()
                        {
                            IPAMConfig = string.IsNullOrEmpty(s.MgmtIPv4) && string.IsNullOrEmpty(s.MgmtIPv6) ? null
                                : new EndpointIPAMConfig { IPv4Address = s.MgmtIPv4, IPv6Address = s.MgmtIPv6 },
                            Aliases = s.Aliases is { Count: > 0 } a ? a.ToList() : null,
                        },
                    },
                };
            }
            return parameters;
        }

        /// <summary>Node keys kept in <see cref="ClabNodeSettings.Extra"/> that <see cref="BuildContainer"/> applies (or that have no runtime effect).</summary>
        private static readonly HashSet<string> AppliedExtraKeys = new(StringComparer.Ordinal) { "tmpfs", "security-opts", "position" };

        /// <summary>A docker --device value: host[:container[:permissions]].</summary>
        private static DeviceMapping ParseDevice(string device)
        {
            var parts = device.Split(':');
            return new DeviceMapping
            {
                PathOnHost = parts[0],
                PathInContainer = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : parts[0],
                CgroupPermissions = parts.Length > 2 && parts[2].Length > 0 ? parts[2] : "rwm",
            };
        }

        /// <summary>KEY=VALUE lines of the node's env-files (relative to the topology's folder); # starts a comment.</summary>
        private Dictionary<string, string> ReadEnvFiles(ClabNode node)
        {
            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            if (node.Effective.EnvFiles is not { Count: > 0 } files) return env;
            foreach (var file in files)
            {
                var path = _topology.ResolvePath(file);
                if (!File.Exists(path))
                    throw new BgpLabException($"{node.Position?.ToString() ?? node.Name}: env-file '{file}' of node '{node.Name}' does not exist ({path}).",
                        "EnvFileNotFound", FailureKind.ObjectNotFound, node.Name);
                foreach (var raw in File.ReadLines(path))
                {
                    var line = raw.Trim();
                    if (line.Length == 0 || line.StartsWith('#')) continue;
                    if (line.StartsWith("export ", StringComparison.Ordinal)) line = line["export ".Length..].TrimStart();
                    var eq = line.IndexOf('=');
                    if (eq <= 0) continue;
                    var value = line[(eq + 1)..].Trim();
                    if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0]) value = value[1..^1];
                    env[line[..eq].Trim()] = value;
                }
            }
            return env;
        }

        private static string EnvKey(string label) => Regex.Replace(label.ToUpperInvariant(), "[^A-Z0-9_]", "_");

        private static RestartPolicyKind ParseRestart(string? policy) => policy switch
        {
            "no" => RestartPolicyKind.No,
            "on-failure" => RestartPolicyKind.OnFailure,
            "unless-stopped" => RestartPolicyKind.UnlessStopped,
            _ => RestartPolicyKind.Always, // containerlab's default for linux nodes since v0.59
        };

        private List<string>? ResolveBinds(ClabNode node)
        {
            if (node.Effective.Binds is not { Count: > 0 } binds) return null;
            var result = new List<string>();
            foreach (var bind in binds)
            {
                var parts = bind.Split(':');
                var hostPath = parts[0];
                // A bare name is a docker volume; anything path-like is resolved against the topology's folder.
                if (hostPath.Contains('/') || hostPath.StartsWith('.') || hostPath.StartsWith('~'))
                {
                    hostPath = _topology.ResolvePath(hostPath);
                    if (!File.Exists(hostPath) && !Directory.Exists(hostPath) && !hostPath.StartsWith(_topology.LabDirectory, StringComparison.Ordinal))
                        throw new BgpLabException($"{node.Position?.ToString() ?? node.Name}: bind '{bind}' of node '{node.Name}': host path '{hostPath}' does not exist.",
                            "BindPathMissing", FailureKind.ObjectNotFound, node.Name);
                }
                parts[0] = hostPath;
                result.Add(string.Join(':', parts));
            }
            return result;
        }

        private static (IDictionary<string, EmptyStruct>?, IDictionary<string, IList<PortBinding>>?) ParsePorts(ClabNode node)
        {
            if (node.Effective.Ports is not { Count: > 0 } ports) return (null, null);
            var exposed = new Dictionary<string, EmptyStruct>();
            var bindings = new Dictionary<string, IList<PortBinding>>();
            foreach (var spec in ports)
            {
                var proto = "tcp";
                var text = spec;
                var slash = text.LastIndexOf('/');
                if (slash >= 0) { proto = text[(slash + 1)..]; text = text[..slash]; }
                var parts = text.Split(':');
                var (ip, hostPort, containerPort) = parts.Length switch
                {
                    1 => ("", "", parts[0]),
                    2 => ("", parts[0], parts[1]),
                    3 => (parts[0], parts[1], parts[2]),
                    _ => throw new BgpLabException($"Node '{node.Name}': port '{spec}' is not [ip:]hostPort:containerPort[/protocol].", "InvalidPort", FailureKind.InvalidData, node.Name),
                };
                var key = $"{containerPort}/{proto}";
                exposed[key] = default;
                if (!bindings.TryGetValue(key, out var list)) bindings[key] = list = new List<PortBinding>();
                list.Add(new PortBinding { HostIP = ip, HostPort = hostPort });
            }
            return (exposed, bindings);
        }

        // ---------------------------------------------------------------- links and exec

        private async Task WireLinkAsync(PlannedLink link)
        {
            await Task.WhenAll(_started[link.A.Node].Task, _started[link.Z.Node].Task).WaitAsync(Token).ConfigureAwait(false);
            var a = _runtime[link.A.Node];
            var z = _runtime[link.Z.Node];
            var aMac = link.A.Mac ?? NetworkLinks.NewMac();
            var zMac = link.Z.Mac ?? NetworkLinks.NewMac();
            WiringStarted();
            try
            {
                NetworkLinks.CreateVethPair(new VethEnd(a.Namespace, link.A.Interface, aMac), new VethEnd(z.Namespace, link.Z.Interface, zMac), link.Mtu);
            }
            catch (BgpLabException e)
            {
                throw new BgpLabException($"{(link.Position is null ? "" : link.Position + ": ")}Link {link} failed: {e.Message}", e.ErrorId, e.Kind, link.ToString(), e)
                {
                    RecommendedAction = e.RecommendedAction,
                };
            }
            finally
            {
                WiringEnded();
            }
            // An end in a namespace the lab does not own (a Kind node) outlives the lab: remember it for undo.
            if (a.ExternalNamespace) _externalLinkEnds.Enqueue((a.Namespace, link.A.Interface));
            else if (z.ExternalNamespace) _externalLinkEnds.Enqueue((z.Namespace, link.Z.Interface));
            LinksMade.Add(new ClabLink
            {
                Lab = _topology.Name, ANode = link.A.Node, AInterface = link.A.Interface, ZNode = link.Z.Node, ZInterface = link.Z.Interface,
                Mtu = link.Mtu, AMac = aMac, ZMac = zMac,
            });
            Step($"link {link}");
        }

        private async Task RunExecAsync(ClabNode node, IReadOnlyList<Task> links)
        {
            await _started[node.Name].Task.WaitAsync(Token).ConfigureAwait(false);
            await Task.WhenAll(links).WaitAsync(Token).ConfigureAwait(false);
            var container = _runtime[node.Name].Container;
            var results = new List<ClabNodeCommandResult>();
            await _workers.WaitAsync(Token).ConfigureAwait(false);
            try
            {
                foreach (var line in node.Effective.Exec!)
                {
                    var text = line.Replace("__clabNodeName__", node.Name).Replace("__clabNodeDir__", Path.Combine(_topology.LabDirectory, node.Name))
                        .Replace("__clabDir__", _topology.LabDirectory).Replace("__clabLabName__", _topology.Name);
                    var argv = ShellWords.Split(text, $"node '{node.Name}' exec");
                    if (argv.Count == 0) continue;
                    Report($"{node.Name}: {Docker.ArgvText.Join(argv)}");
                    var r = await _owner._docker.ExecAsync(container, argv, Token, user: "0").ConfigureAwait(false);
                    var result = ClabNodeCommandResult.From(_topology.Name, node.Name, r);
                    results.Add(result);
                    if (!result.Succeeded)
                        _observer.Warning($"Node '{node.Name}': exec '{result.CommandLine}' exited with code {result.ExitCode}: {(result.Stderr.Trim().Length > 0 ? result.Stderr.Trim() : result.Stdout.Trim())}");
                }
            }
            finally
            {
                _workers.Release();
                Exec[node.Name] = results;
            }
            Step($"{node.Name} exec done");
        }

        // ---------------------------------------------------------------- undo

        public async Task UndoAsync()
        {
            // Not the run's token: undo must finish even when the deploy was cancelled.
            foreach (var (ns, name) in _externalLinkEnds)
            {
                try { NetworkLinks.DeleteInterface(ns, name); }
                catch (BgpLabException e) { _observer.Warning($"Undo: could not delete {ns.Owner}:{name}: {e.Message}"); }
            }
            await Task.WhenAll(_createdContainers.Select(async name =>
            {
                NetNamespaceNames.Unlink(name);
                try
                {
                    await _client.Containers.RemoveContainerAsync(name, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None).ConfigureAwait(false);
                }
                catch (DockerContainerNotFoundException) { }
                catch (DockerApiException e) { _observer.Warning($"Undo: could not remove container {name}: {DockerErrors.MessageOf(e)}"); }
            })).ConfigureAwait(false);
            foreach (var cluster in _createdClusters)
            {
                try { await KindClusters.RemoveAsync(_owner._docker, _kind, cluster, _options.Kubeconfig, keepNetwork: false, _observer, CancellationToken.None).ConfigureAwait(false); }
                catch (BgpLabException e) { _observer.Warning($"Undo: could not remove Kind cluster {cluster}: {e.Message}"); }
            }
            if (_createdNetwork is not null)
            {
                try { await _client.Networks.DeleteNetworkAsync(_createdNetwork, CancellationToken.None).ConfigureAwait(false); }
                catch (DockerApiException e) { _observer.Warning($"Undo: could not remove network {_createdNetwork}: {DockerErrors.MessageOf(e)}"); }
            }
            if (_createdLabDir)
            {
                try { Directory.Delete(_topology.LabDirectory, recursive: true); }
                catch (IOException e) { _observer.Warning($"Undo: could not remove {_topology.LabDirectory}: {e.Message}"); }
            }
        }

        public void Dispose()
        {
            lock (_namespaces)
            {
                foreach (var ns in _namespaces) ns.Dispose();
            }
            _cts.Dispose();
            _workers.Dispose();
        }
    }
}
