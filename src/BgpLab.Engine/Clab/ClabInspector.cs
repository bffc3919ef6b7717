using BgpLab.Engine.Docker;
using Docker.DotNet.Models;

namespace BgpLab.Engine.Clab;

/// <summary>
/// Finds labs and their nodes from container labels, like <c>containerlab inspect</c>: it works on labs
/// containerlab deployed as well as on BgpLab's. Links come from the lab directory's topology-data.json.
/// </summary>
public sealed class ClabInspector
{
    private readonly DockerEngine _docker;

    public ClabInspector(DockerEngine? docker = null) => _docker = docker ?? DockerEngine.Default;

    /// <summary>Every lab (lab null) or the one named; labs in name order, nodes in name order.</summary>
    public async Task<IReadOnlyList<ClabLab>> GetLabsAsync(string? lab, CancellationToken ct)
    {
        var containers = await _docker.ListContainersAsync(new Dictionary<string, string?> { [ClabLabels.Lab] = lab }, ct).ConfigureAwait(false);
        var idToName = containers.ToDictionary(c => c.ID, c => c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID);
        var labs = new List<ClabLab>();
        foreach (var group in containers.GroupBy(c => c.Labels[ClabLabels.Lab]).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = group.First().Labels;
            var labDir = first.TryGetValue(ClabLabels.NodeLabDir, out var nodeDir) && !string.IsNullOrEmpty(nodeDir) ? Path.GetDirectoryName(nodeDir) : null;
            var data = labDir is null ? null : ClabTopologyData.TryRead(labDir);
            var mgmtNetwork = data?.MgmtNetwork;
            var nodes = new List<ClabLabNode>();
            foreach (var c in group)
                nodes.Add(await ToNodeAsync(group.Key, c, mgmtNetwork, idToName, ct).ConfigureAwait(false));
            labs.Add(new ClabLab
            {
                Name = group.Key,
                TopologyFile = first.TryGetValue(ClabLabels.TopoFile, out var topo) && topo.Length > 0 ? topo : null,
                LabDirectory = labDir,
                Owner = first.TryGetValue(ClabLabels.Owner, out var owner) ? owner : null,
                MgmtNetwork = mgmtNetwork ?? nodes.Select(n => n.NetworkMode).FirstOrDefault(m => m is not null && !m.StartsWith("container:", StringComparison.Ordinal)),
                Nodes = nodes.OrderBy(n => n.Name, StringComparer.Ordinal).ToList(),
                Links = data?.Links.Select(l => new ClabLink
                {
                    Lab = group.Key, ANode = l.ANode, AInterface = l.AInterface, ZNode = l.ZNode, ZInterface = l.ZInterface, Mtu = l.Mtu, AMac = l.AMac, ZMac = l.ZMac,
                }).ToList() ?? [],
            });
        }
        return labs;
    }

    public async Task<ClabLab?> GetLabAsync(string lab, CancellationToken ct) => (await GetLabsAsync(lab, ct).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>Nodes of one lab (or of all labs), optionally only the named ones (wildcards allowed by the caller).</summary>
    public async Task<IReadOnlyList<ClabLabNode>> GetNodesAsync(string? lab, CancellationToken ct) =>
        (await GetLabsAsync(lab, ct).ConfigureAwait(false)).SelectMany(l => l.Nodes).ToList();

    private async Task<ClabLabNode> ToNodeAsync(string lab, ContainerListResponse c, string? mgmtNetwork, IReadOnlyDictionary<string, string> idToName, CancellationToken ct)
    {
        var labels = c.Labels ?? new Dictionary<string, string>();
        var name = c.Names.FirstOrDefault()?.TrimStart('/') ?? c.ID;
        var mode = c.HostConfig?.NetworkMode;
        if (mode is not null && mode.StartsWith("container:", StringComparison.Ordinal))
        {
            var id = mode["container:".Length..];
            if (idToName.TryGetValue(id, out var target)) mode = "container:" + target;
            else if (await _docker.TryInspectContainerAsync(id, ct).ConfigureAwait(false) is { } t) mode = "container:" + t.Name.TrimStart('/');
        }
        string? v4 = null, v6 = null;
        var networks = c.NetworkSettings?.Networks;
        if (networks is { Count: > 0 })
        {
            var ep = mgmtNetwork is not null && networks.TryGetValue(mgmtNetwork, out var m) ? m : networks.Values.First();
            if (!string.IsNullOrEmpty(ep.IPAddress)) v4 = $"{ep.IPAddress}/{ep.IPPrefixLen}";
            if (!string.IsNullOrEmpty(ep.GlobalIPv6Address)) v6 = $"{ep.GlobalIPv6Address}/{ep.GlobalIPv6PrefixLen}";
            if (mode is "default" or "bridge" or null && networks.Count == 1) mode = networks.Keys.First();
        }
        return new ClabLabNode
        {
            Lab = lab,
            Name = labels.TryGetValue(ClabLabels.NodeName, out var n) ? n : name,
            Kind = labels.TryGetValue(ClabLabels.NodeKind, out var k) ? k : "",
            Image = c.Image,
            ContainerId = c.ID,
            ContainerName = name,
            State = c.State,
            Status = c.Status,
            MgmtIPv4 = v4,
            MgmtIPv6 = v6,
            NetworkMode = mode,
            Group = labels.TryGetValue(ClabLabels.NodeGroup, out var g) && g.Length > 0 ? g : null,
            Owner = labels.TryGetValue(ClabLabels.Owner, out var o) ? o : null,
            Labels = new Dictionary<string, string>(labels),
        };
    }
}
