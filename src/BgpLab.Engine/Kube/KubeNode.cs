using k8s.Models;

namespace BgpLab.Engine.Kube;

/// <summary>A Kubernetes Node as BgpLab shows it: identity, labels, address, Pod CIDRs, readiness.</summary>
public sealed class KubeNode
{
    public required string Name { get; init; }
    /// <summary>The node's labels, sorted by key.</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    /// <summary>The first InternalIP address the kubelet reports (the node-ip), or null before it reports one.</summary>
    public string? InternalIP { get; init; }
    /// <summary>spec.podCIDRs (kube-controller-manager assigns them out of the cluster's Pod subnet).</summary>
    public required IReadOnlyList<string> PodCidrs { get; init; }
    /// <summary>True when the Ready condition is True.</summary>
    public bool Ready { get; init; }
    /// <summary>Taints as kubectl writes them: key=value:Effect.</summary>
    public required IReadOnlyList<string> Taints { get; init; }
    public required IReadOnlyList<KubeNodeCondition> Conditions { get; init; }
    public string? KubeletVersion { get; init; }
    /// <summary>Roles from node-role.kubernetes.io/&lt;role&gt; labels (control-plane), as kubectl get nodes shows them.</summary>
    public required IReadOnlyList<string> Roles { get; init; }
    /// <summary>The kubeconfig context the node was read through.</summary>
    public required string Context { get; init; }

    public override string ToString() => Name;

    /// <summary>
    /// The conditions for messages: the <paramref name="focus"/> condition (or each one) with reason and message,
    /// "Ready=False (KubeletNotReady: …)", the others only as Type=Status.
    /// </summary>
    public string DescribeConditions(string? focus = null) => Conditions.Count == 0
        ? "no conditions reported"
        : string.Join("; ", Conditions.OrderBy(c => c.Type == focus ? 0 : 1).Select(c =>
            $"{c.Type}={c.Status}" + ((focus is not null && c.Type != focus) || (string.IsNullOrEmpty(c.Reason) && string.IsNullOrEmpty(c.Message)) ? "" : $" ({c.Reason}: {c.Message})")));

    internal static KubeNode From(V1Node node, string context)
    {
        var labels = new SortedDictionary<string, string>(node.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var conditions = (node.Status?.Conditions ?? []).Select(c => new KubeNodeCondition
        {
            Type = c.Type, Status = c.Status, Reason = c.Reason, Message = c.Message, LastTransitionTime = c.LastTransitionTime,
        }).ToList();
        var podCidrs = node.Spec?.PodCIDRs?.ToList() ?? (node.Spec?.PodCIDR is { } one ? [one] : []);
        return new KubeNode
        {
            Name = node.Metadata?.Name ?? "",
            Labels = labels,
            InternalIP = node.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address,
            PodCidrs = podCidrs,
            Ready = conditions.Any(c => c.Type == "Ready" && c.Status == "True"),
            Taints = (node.Spec?.Taints ?? []).Select(t => string.IsNullOrEmpty(t.Value) ? $"{t.Key}:{t.Effect}" : $"{t.Key}={t.Value}:{t.Effect}").ToList(),
            Conditions = conditions,
            KubeletVersion = node.Status?.NodeInfo?.KubeletVersion,
            Roles = labels.Keys.Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
                .Select(k => k["node-role.kubernetes.io/".Length..]).ToList(),
            Context = context,
        };
    }
}

public sealed class KubeNodeCondition
{
    public required string Type { get; init; }
    public required string Status { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public DateTime? LastTransitionTime { get; init; }
    public override string ToString() => $"{Type}={Status}";
}
