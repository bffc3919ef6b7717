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
        var all = nodes is null or { Count: 0 };
        foreach (var c in containers)
        {
            if (NodeOf(c) is not { } node) continue;
            if (all && !(c.Image ?? "").Contains("frr", StringComparison.OrdinalIgnoreCase)) continue;
            byNode[node] = new FrrRouterTarget(node, c.Names?.FirstOrDefault()?.TrimStart('/') ?? c.ID, lab);
        }
        if (all) return byNode.Values.OrderBy(t => t.Router, StringComparer.Ordinal).ToList();
        var result = new List<FrrRouterTarget>();
        foreach (var node in nodes!)
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

    private static string? NodeOf(global::Docker.DotNet.Models.ContainerListResponse c) =>
        c.Labels is not null && c.Labels.TryGetValue(NodeLabel, out var n) ? n : null;
}
