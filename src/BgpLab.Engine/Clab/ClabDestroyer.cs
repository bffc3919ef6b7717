using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Kind;
using BgpLab.Engine.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BgpLab.Engine.Clab;

/// <summary>One thing a removal takes away: an Interface (in a namespace that outlives the lab), a Container, a KindCluster (a k8s-kind node), a Network or a Directory.</summary>
public sealed class ClabRemovalItem
{
    public required string Lab { get; init; }
    public required string Kind { get; init; }
    public required string Name { get; init; }
    public string? Detail { get; init; }

    /// <summary>For interfaces: the container whose network namespace holds it.</summary>
    internal string? NamespaceContainer { get; init; }

    public override string ToString() => $"{Kind} {Name}";
}

/// <summary>Everything a removal of one lab would take away, in the order it goes.</summary>
public sealed class ClabRemovalPlan
{
    public required string Lab { get; init; }
    public required IReadOnlyList<ClabRemovalItem> Items { get; init; }
}

/// <summary>
/// Removes a lab like <c>containerlab destroy --cleanup</c>: link ends living in namespaces the lab does
/// not own (Kind nodes, ext-containers) first, then the node containers, the management network when no
/// other container uses it and it carries containerlab's label, and the lab directory. Idempotent.
/// </summary>
public sealed class ClabDestroyer
{
    private readonly DockerEngine _docker;

    public ClabDestroyer(DockerEngine? docker = null) => _docker = docker ?? DockerEngine.Default;

    /// <summary>The kind executable that deletes k8s-kind nodes' clusters (null = 'kind' on PATH).</summary>
    public string? KindPath { get; init; }

    /// <summary>The kubeconfig the k8s-kind clusters' contexts were merged into (null = KUBECONFIG or ~/.kube/config).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>What removing the lab would take away (nothing is changed). <paramref name="topology"/> helps when the lab has no containers left.</summary>
    public async Task<ClabRemovalPlan> PlanAsync(string lab, ClabTopology? topology, CancellationToken ct)
    {
        var client = await _docker.ConnectAsync(ct).ConfigureAwait(false);
        var containers = await _docker.ListContainersAsync(new Dictionary<string, string?> { [ClabLabels.Lab] = lab }, ct).ConfigureAwait(false);
        var items = new List<ClabRemovalItem>();

        var labDir = containers.Select(c => c.Labels.TryGetValue(ClabLabels.NodeLabDir, out var d) && d.Length > 0 ? Path.GetDirectoryName(d) : null)
            .FirstOrDefault(d => d is not null) ?? topology?.LabDirectory;
        var data = labDir is null ? null : ClabTopologyData.TryRead(labDir);

        // Link ends in namespaces that outlive the lab: ends of nodes in container network mode, and of ext-container nodes.
        var byNode = containers.ToDictionary(c => c.Labels.TryGetValue(ClabLabels.NodeName, out var n) ? n : c.Names[0].TrimStart('/'), StringComparer.Ordinal);
        var links = data?.Links ?? topology?.Links.Where(l => l.Endpoints.Count == 2)
            .Select(l => new ClabLink { Lab = lab, ANode = l.Endpoints[0].Node, AInterface = l.Endpoints[0].Interface, ZNode = l.Endpoints[1].Node, ZInterface = l.Endpoints[1].Interface })
            .ToList() ?? [];
        foreach (var link in links)
        {
            foreach (var (node, iface) in new[] { (link.ANode, link.AInterface), (link.ZNode, link.ZInterface) })
            {
                string? nsContainer = null;
                string? sharedBy = null;
                if (byNode.TryGetValue(node, out var c) && c.HostConfig?.NetworkMode?.StartsWith("container:", StringComparison.Ordinal) == true)
                {
                    // The namespace belongs to the container named in network-mode (e.g. a Kind node), which stays.
                    var target = c.HostConfig.NetworkMode["container:".Length..];
                    nsContainer = (await _docker.TryInspectContainerAsync(target, ct).ConfigureAwait(false))?.Name.TrimStart('/') ?? c.Names[0].TrimStart('/');
                    sharedBy = node;
                }
                else if (!byNode.ContainsKey(node) && IsExtContainer(node, data, topology))
                {
                    nsContainer = data?.Nodes.TryGetValue(node, out var dn) == true ? dn.ContainerName : node;
                    // Gone already (e.g. its Kind cluster was deleted): nothing of the link is left in it.
                    if (await _docker.TryInspectContainerAsync(nsContainer, ct).ConfigureAwait(false) is null) continue;
                }
                if (nsContainer is null) continue;
                items.Add(new ClabRemovalItem
                {
                    Lab = lab, Kind = "Interface", Name = $"{node}:{iface}", NamespaceContainer = nsContainer,
                    Detail = $"in the network namespace of {nsContainer}{(sharedBy is null ? "" : $", shared by {sharedBy}")}; it outlives the lab",
                });
            }
        }

        foreach (var c in containers.OrderBy(c => c.Names[0], StringComparer.Ordinal))
            items.Add(new ClabRemovalItem { Lab = lab, Kind = "Container", Name = c.Names[0].TrimStart('/'), Detail = $"{c.Image}, {c.State}" });

        // k8s-kind nodes: their clusters go after the link ends inside their nodes (containerlab's k8s-kind Delete).
        var kindNodes = data?.Nodes.Values.Where(n => n.Kind == "k8s-kind").Select(n => n.Name)
                        ?? topology?.Nodes.Where(n => n.Kind == "k8s-kind").Select(n => n.Name) ?? [];
        foreach (var clusterName in kindNodes.Distinct(StringComparer.Ordinal))
        {
            var cluster = (await KindClusters.GetAsync(_docker, clusterName, Kubeconfig, ct).ConfigureAwait(false)).FirstOrDefault();
            if (cluster is null) continue;
            items.Add(new ClabRemovalItem
            {
                Lab = lab, Kind = "KindCluster", Name = clusterName,
                Detail = $"k8s-kind node; kind delete cluster removes {string.Join(", ", cluster.Nodes.Select(n => n.Name))}",
            });
        }

        var networkName = data?.MgmtNetwork ?? topology?.Mgmt.EffectiveNetwork
                          ?? containers.SelectMany(c => c.NetworkSettings?.Networks?.Keys ?? Enumerable.Empty<string>()).FirstOrDefault();
        if (networkName is not null and not "bridge" and not "host" and not "none")
        {
            NetworkResponse? network = null;
            try { network = await client.Networks.InspectNetworkAsync(networkName, ct).ConfigureAwait(false); }
            catch (DockerNetworkNotFoundException) { }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }
            var labIds = containers.Select(c => c.ID).ToHashSet(StringComparer.Ordinal);
            if (network is not null && network.Labels?.ContainsKey(ClabLabels.Lab) == true
                && (network.Containers ?? new Dictionary<string, EndpointResource>()).Keys.All(labIds.Contains))
                items.Add(new ClabRemovalItem { Lab = lab, Kind = "Network", Name = networkName, Detail = "management network, used by no other container" });
        }

        if (labDir is not null && Directory.Exists(labDir))
            items.Add(new ClabRemovalItem { Lab = lab, Kind = "Directory", Name = labDir, Detail = "lab directory" });
        return new ClabRemovalPlan { Lab = lab, Items = items };
    }

    private static bool IsExtContainer(string node, ClabTopologyData.LabData? data, ClabTopology? topology) =>
        data?.Nodes.TryGetValue(node, out var n) == true ? n.Kind == "ext-container" : topology?.FindNode(node)?.Kind == "ext-container";

    /// <summary>Removes the plan's items (all, or those <paramref name="approve"/> accepts); returns what was removed.</summary>
    public async Task<IReadOnlyList<ClabRemovalItem>> ExecuteAsync(ClabRemovalPlan plan, int maxWorkers, IOperationObserver observer, CancellationToken ct,
        Func<ClabRemovalItem, bool>? approve = null)
    {
        var client = await _docker.ConnectAsync(ct).ConfigureAwait(false);
        var chosen = plan.Items.Where(i => approve?.Invoke(i) ?? true).ToList();
        var removed = new List<ClabRemovalItem>();
        var activity = $"Removing lab {plan.Lab}";
        var done = 0;
        void Report(string status) => observer.Progress(new ProgressUpdate(7300, activity, status, chosen.Count == 0 ? 100 : 100 * done / chosen.Count));

        // Interfaces first: once their container is gone, the shared namespace may be unreachable by its pid.
        var namespaces = new Dictionary<string, NetNamespace?>(StringComparer.Ordinal);
        try
        {
            foreach (var item in chosen.Where(i => i.Kind == "Interface"))
            {
                ct.ThrowIfCancellationRequested();
                if (!namespaces.TryGetValue(item.NamespaceContainer!, out var ns))
                {
                    var c = await _docker.TryInspectContainerAsync(item.NamespaceContainer!, ct).ConfigureAwait(false);
                    namespaces[item.NamespaceContainer!] = ns = c?.State?.Running == true && c.State.Pid > 0 ? NetNamespace.OfProcess((int)c.State.Pid, item.NamespaceContainer!) : null;
                }
                var name = item.Name[(item.Name.IndexOf(':') + 1)..];
                if (ns is not null && NetworkLinks.DeleteInterface(ns, name)) observer.Verbose($"Deleted {name} in {item.NamespaceContainer}.");
                removed.Add(item);
                done++;
                Report(item.ToString());
            }
        }
        finally
        {
            foreach (var ns in namespaces.Values) ns?.Dispose();
        }

        using var workers = new SemaphoreSlim(Math.Max(1, maxWorkers));
        var containerItems = chosen.Where(i => i.Kind == "Container").ToList();
        await Task.WhenAll(containerItems.Select(async item =>
        {
            await workers.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                NetNamespaceNames.Unlink(item.Name);
                await client.Containers.RemoveContainerAsync(item.Name, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, ct).ConfigureAwait(false);
            }
            catch (DockerContainerNotFoundException) { }
            finally
            {
                workers.Release();
            }
            lock (removed) { removed.Add(item); done++; }
            Report(item.ToString());
        })).ConfigureAwait(false);

        var clusterItems = chosen.Where(i => i.Kind == "KindCluster").ToList();
        if (clusterItems.Count > 0)
        {
            var kind = new KindCli(KindPath);
            foreach (var item in clusterItems)
            {
                await KindClusters.RemoveAsync(_docker, kind, item.Name, Kubeconfig, keepNetwork: false, observer, ct).ConfigureAwait(false);
                removed.Add(item);
                done++;
                Report(item.ToString());
            }
        }

        foreach (var item in chosen.Where(i => i.Kind == "Network"))
        {
            try
            {
                // Re-checked now: another lab may have attached meanwhile.
                var network = await client.Networks.InspectNetworkAsync(item.Name, ct).ConfigureAwait(false);
                if (network.Containers is { Count: > 0 })
                {
                    observer.Verbose($"Keeping network {item.Name}: {network.Containers.Count} container(s) still use it.");
                    continue;
                }
                await client.Networks.DeleteNetworkAsync(item.Name, ct).ConfigureAwait(false);
                removed.Add(item);
            }
            catch (DockerNetworkNotFoundException) { }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { }
            catch (DockerApiException e)
            {
                observer.Warning($"Could not remove network {item.Name}: {DockerErrors.MessageOf(e)}");
            }
            done++;
            Report(item.ToString());
        }

        foreach (var item in chosen.Where(i => i.Kind == "Directory"))
        {
            if (Directory.Exists(item.Name)) Directory.Delete(item.Name, recursive: true);
            removed.Add(item);
            done++;
        }
        observer.Progress(new ProgressUpdate(7300, activity, "done", 100, Completed: true));
        return removed;
    }
}
