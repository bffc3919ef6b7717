namespace BgpLab.Engine.Clab;

/// <summary>The Docker labels containerlab puts on node containers (and reads back to find labs).</summary>
public static class ClabLabels
{
    public const string Lab = "containerlab";
    public const string NodeName = "clab-node-name";
    public const string NodeLongName = "clab-node-longname";
    public const string NodeKind = "clab-node-kind";
    public const string NodeType = "clab-node-type";
    public const string NodeGroup = "clab-node-group";
    public const string NodeLabDir = "clab-node-lab-dir";
    public const string TopoFile = "clab-topo-file";
    public const string MgmtNetBridge = "clab-mgmt-net-bridge";
    public const string Owner = "clab-owner";
    public const string GitBranch = "clab-git-branch";
    public const string GitHash = "clab-git-hash";

    /// <summary>containerlab's default labels for one node; they override user labels with the same key.</summary>
    public static IReadOnlyDictionary<string, string> For(ClabTopology topology, ClabNode node, string containerName, string owner, string mgmtBridge)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Lab] = topology.Name,
            [NodeName] = node.Name,
            [NodeLongName] = containerName,
            [NodeKind] = node.Kind,
            [NodeType] = node.Effective.Type ?? "",
            [NodeGroup] = node.Effective.Group ?? "",
            [NodeLabDir] = Path.Combine(topology.LabDirectory, node.Name),
            [TopoFile] = topology.Path ?? "",
            [MgmtNetBridge] = mgmtBridge,
            [Owner] = owner,
        };
        // Only when the topology's own folder is a git work tree, as containerlab does.
        var (branch, hash) = ClabGitInfo.Read(topology.Path is null ? null : Path.GetDirectoryName(topology.Path));
        if (hash != "none")
        {
            labels[GitBranch] = branch;
            labels[GitHash] = hash;
        }
        return labels;
    }
}
