using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BgpLab.Engine.Kind;

/// <summary>The kubelet arguments a node ends up with from kubeadm patches, and which patches could not apply.</summary>
public sealed class KubeletArgs
{
    public string? NodeIP { get; set; }
    /// <summary>node-labels from a patch (null when no patch sets them): kind's nodes[].labels are then replaced, not merged.</summary>
    public Dictionary<string, string>? NodeLabels { get; set; }
    /// <summary>Patches that set kubelet arguments in a configuration this node never reads (InitConfiguration on a joining node, …).</summary>
    public List<string> IneffectivePatches { get; } = new();
}

/// <summary>
/// kubeadm patches as kind applies them: matched on <c>kind</c> (and <c>apiVersion</c> only when given);
/// <c>kubeadm init</c> on the first control-plane reads InitConfiguration, every other node JoinConfiguration.
/// </summary>
public static class KubeadmPatches
{
    public static string ConfigurationKindFor(bool firstControlPlane) => firstControlPlane ? "InitConfiguration" : "JoinConfiguration";

    /// <summary>
    /// The patch for a node's typed settings (node IP, and labels when they go through kubeadm), or null when
    /// there is nothing to set. No apiVersion, so kind matches it to whichever kubeadm API it renders (and kind
    /// v0.32+ converts map-form kubeletExtraArgs for v1beta4); list form when the image's Kubernetes is ≥ 1.36.
    /// </summary>
    public static string? ForTypedSettings(KindNodeConfig node, bool firstControlPlane, KindRenderTarget target)
    {
        var args = new List<(string Name, string Value)>();
        if (!string.IsNullOrEmpty(node.NodeIP)) args.Add(("node-ip", node.NodeIP!));
        if (node.LabelsInKubeadmPatch && node.Labels.Count > 0)
            args.Add(("node-labels", string.Join(",", node.Labels.Select(kv => $"{kv.Key}={kv.Value}"))));
        if (args.Count == 0) return null;
        var text = new StringBuilder();
        text.Append("kind: ").AppendLine(ConfigurationKindFor(firstControlPlane));
        text.AppendLine("nodeRegistration:");
        text.AppendLine("  kubeletExtraArgs:");
        foreach (var (name, value) in args)
        {
            if (target.KubeadmApiVersion == "v1beta4")
            {
                text.Append("  - name: ").AppendLine(name);
                text.Append("    value: \"").Append(value).AppendLine("\"");
            }
            else
            {
                text.Append("    ").Append(name).Append(": \"").Append(value).AppendLine("\"");
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// The node-ip and node-labels the kubelet of <paramref name="node"/> gets from the cluster-wide and the
    /// node's own patches (later patches win, as kind applies them), plus the typed settings.
    /// </summary>
    public static KubeletArgs Effective(KindClusterConfig config, KindNodeConfig node)
    {
        var first = ReferenceEquals(node, config.Nodes.FirstOrDefault(n => n.Role == KindNodeConfig.ControlPlane));
        var wanted = ConfigurationKindFor(first);
        var result = new KubeletArgs();
        foreach (var patch in config.KubeadmConfigPatches.Concat(node.KubeadmConfigPatches))
        {
            var parsed = Parse(patch);
            if (parsed is null || parsed.Value.Args.Count == 0) continue;
            if (parsed.Value.Kind != wanted)
            {
                if (parsed.Value.Kind is "InitConfiguration" or "JoinConfiguration")
                    result.IneffectivePatches.Add($"{parsed.Value.Kind} patch setting {string.Join(", ", parsed.Value.Args.Keys)}");
                continue;
            }
            if (parsed.Value.Args.TryGetValue("node-ip", out var ip)) result.NodeIP = ip;
            if (parsed.Value.Args.TryGetValue("node-labels", out var labels)) result.NodeLabels = ParseLabels(labels);
        }
        if (!string.IsNullOrEmpty(node.NodeIP)) result.NodeIP = node.NodeIP;
        if (node.LabelsInKubeadmPatch && node.Labels.Count > 0) result.NodeLabels = new Dictionary<string, string>(node.Labels);
        return result;
    }

    /// <summary>kubelet --node-labels text (k=v,k2=v2) as a dictionary.</summary>
    public static Dictionary<string, string> ParseLabels(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    /// <summary>The kind and kubeletExtraArgs (map or v1beta4 list form) of a patch; null when it is not a YAML mapping.</summary>
    public static (string? Kind, string? ApiVersion, Dictionary<string, string> Args)? Parse(string patch)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(patch)); }
        catch (YamlException) { return null; }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) return null;
        string? Get(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? (v as YamlScalarNode)?.Value : null;
        var args = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.Children.TryGetValue(new YamlScalarNode("nodeRegistration"), out var reg) && reg is YamlMappingNode registration &&
            registration.Children.TryGetValue(new YamlScalarNode("kubeletExtraArgs"), out var extra))
        {
            if (extra is YamlMappingNode map)
                foreach (var (k, v) in map.Children) args[((YamlScalarNode)k).Value ?? ""] = (v as YamlScalarNode)?.Value ?? "";
            else if (extra is YamlSequenceNode list)
                foreach (var item in list.Children.OfType<YamlMappingNode>())
                    if (Get(item, "name") is { } name) args[name] = Get(item, "value") ?? "";
        }
        return (Get(root, "kind"), Get(root, "apiVersion"), args);
    }
}
