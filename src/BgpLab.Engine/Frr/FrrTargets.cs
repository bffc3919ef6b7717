using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;

namespace BgpLab.Engine.Frr;

/// <summary>One FRR router to query: the name shown in results and the container it runs in.</summary>
public sealed record FrrRouterTarget(string Router, string Container, string? Lab = null)
{
    public override string ToString() => Router;
}

/// <summary>
/// Finds FRR routers by containerlab labels (<c>containerlab=&lt;lab&gt;</c>, <c>clab-node-name=&lt;node&gt;</c>)
/// or by container name/id. Kept small and in one place so it can give way to the Clab domain's node lookup.
/// </summary>
public static class FrrTargetResolver
{
    public const string LabLabel = "containerlab";
    public const string NodeLabel = "clab-node-name";

    /// <summary>The lab's nodes named in <paramref name="nodes"/>, or, when none are named, its nodes that run an FRR image.</summary>
    public static async Task<IReadOnlyList<FrrRouterTarget>> ResolveLabAsync(DockerEngine docker, string lab, IReadOnlyCollection<string>? nodes, CancellationToken ct)
    {
        var containers = await docker.ListContainersAsync(new Dictionary<string, string?> { [LabLabel] = lab }, ct).ConfigureAwait(false);
        if (containers.Count == 0)
            throw new BgpLabException($"No containers of lab '{lab}' exist (label {LabLabel}={lab}).", "FrrLabNotFound", FailureKind.ObjectNotFound, lab)
            {
                RecommendedAction = "Deploy the lab first, or check the lab name (the topology's 'name:').",
            };
        var byNode = new Dictionary<string, FrrRouterTarget>(StringComparer.Ordinal);
        foreach (var c in containers)
        {
            var node = c.Labels is not null && c.Labels.TryGetValue(NodeLabel, out var n) ? n : null;
            if (node is null) continue;
            var name = c.Names?.FirstOrDefault()?.TrimStart('/') ?? c.ID;
            byNode[node] = new FrrRouterTarget(node, name, lab) with { };
            if (nodes is null or { Count: 0 } && !(c.Image ?? "").Contains("frr", StringComparison.OrdinalIgnoreCase)) byNode.Remove(node);
        }
        if (nodes is null or { Count: 0 }) return byNode.Values.OrderBy(t => t.Router, StringComparer.Ordinal).ToList();
        var result = new List<FrrRouterTarget>();
        foreach (var node in nodes)
        {
            if (!byNode.TryGetValue(node, out var target))
                throw new BgpLabException(
                    $"Lab '{lab}' has no node '{node}' (nodes: {string.Join(", ", containers.Select(NodeOf).Where(x => x is not null).Order())}).",
                    "FrrNodeNotFound", FailureKind.ObjectNotFound, node);
            result.Add(target);
        }
        return result;
    }

    /// <summary>A container by name or id; its containerlab node name (when it has one) becomes the router name.</summary>
    public static async Task<FrrRouterTarget> ResolveContainerAsync(DockerEngine docker, string nameOrId, CancellationToken ct)
    {
        var inspected = await docker.TryInspectContainerAsync(nameOrId, ct).ConfigureAwait(false)
            ?? throw new BgpLabException($"Container '{nameOrId}' does not exist.", "FrrContainerNotFound", FailureKind.ObjectNotFound, nameOrId);
        var name = inspected.Name?.TrimStart('/') ?? nameOrId;
        var labels = inspected.Config?.Labels;
        string? lab = null;
        var router = name;
        if (labels is not null)
        {
            labels.TryGetValue(LabLabel, out lab);
            if (labels.TryGetValue(NodeLabel, out var node) && !string.IsNullOrEmpty(node)) router = node;
        }
        return new FrrRouterTarget(router, name, lab);
    }

    /// <summary>Node names of a lab (for argument completion).</summary>
    public static async Task<IReadOnlyList<string>> ListNodeNamesAsync(DockerEngine docker, string? lab, CancellationToken ct)
    {
        var labels = new Dictionary<string, string?> { [LabLabel] = lab };
        var containers = await docker.ListContainersAsync(labels, ct).ConfigureAwait(false);
        return containers.Select(NodeOf).OfType<string>().Distinct().Order().ToList();
    }

    private static string? NodeOf(global::Docker.DotNet.Models.ContainerListResponse c) =>
        c.Labels is not null && c.Labels.TryGetValue(NodeLabel, out var n) ? n : null;
}
