using BgpLab.Engine.Clab;
using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;

namespace BgpLab.Engine.Frr;

/// <summary>One FRR router to query: the name shown in results and the container it runs in.</summary>
public sealed record FrrRouterTarget(string Router, string Container, string? Lab = null)
{
    public override string ToString() => Router;
}

/// <summary>
/// Finds FRR routers in a lab through the Clab domain's <see cref="ClabInspector"/> (the one place that knows
/// containerlab's labels), or any container by name/id.
/// </summary>
public static class FrrTargetResolver
{
    /// <summary>The lab's nodes named in <paramref name="nodes"/>, or, when none are named, its nodes that run an FRR image.</summary>
    public static async Task<IReadOnlyList<FrrRouterTarget>> ResolveLabAsync(DockerEngine docker, string lab, IReadOnlyCollection<string>? nodes, CancellationToken ct)
    {
        var found = await new ClabInspector(docker).GetLabAsync(lab, ct).ConfigureAwait(false)
            ?? throw new BgpLabException($"No containers of lab '{lab}' exist (label {ClabLabels.Lab}={lab}).", "FrrLabNotFound", FailureKind.ObjectNotFound, lab)
            {
                RecommendedAction = "Deploy the lab first, or check the lab name (the topology's 'name:').",
            };
        // Only containers containerlab named as nodes count; the inspector falls back to container names for the rest.
        var labNodes = found.Nodes.Where(n => n.Labels.ContainsKey(ClabLabels.NodeName)).ToList();
        var all = nodes is null or { Count: 0 };
        var byNode = labNodes
            .Where(n => !all || (n.Image ?? "").Contains("frr", StringComparison.OrdinalIgnoreCase))
            .DistinctBy(n => n.Name, StringComparer.Ordinal)
            .ToDictionary(n => n.Name, n => new FrrRouterTarget(n.Name, n.ContainerName, lab), StringComparer.Ordinal);
        if (all) return byNode.Values.OrderBy(t => t.Router, StringComparer.Ordinal).ToList();
        var result = new List<FrrRouterTarget>();
        foreach (var node in nodes!)
        {
            if (!byNode.TryGetValue(node, out var target))
                throw new BgpLabException(
                    $"Lab '{lab}' has no node '{node}' (nodes: {string.Join(", ", labNodes.Select(n => n.Name).Order())}).",
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
            labels.TryGetValue(ClabLabels.Lab, out lab);
            if (labels.TryGetValue(ClabLabels.NodeName, out var node) && !string.IsNullOrEmpty(node)) router = node;
        }
        return new FrrRouterTarget(router, name, lab);
    }
}
