using BgpLab.Engine.Common;
using YamlDotNet.RepresentationModel;

namespace BgpLab.Engine.Kind;

/// <summary>
/// kubeconfig files as kind writes them: where (--kubeconfig, else the first existing KUBECONFIG entry,
/// else its last one, else ~/.kube/config), merging a cluster's entries (cluster, user and context all
/// named kind-&lt;name&gt;, current-context set) and removing them again. Other entries are kept untouched.
/// </summary>
public static class KindKubeconfig
{
    public static string ContextName(string clusterName) => "kind-" + clusterName;

    /// <summary>The file kind writes to for this --kubeconfig value (kind's own precedence).</summary>
    public static string DefaultPath(string? kubeconfig)
    {
        if (!string.IsNullOrEmpty(kubeconfig)) return Path.GetFullPath(kubeconfig);
        var entries = (Environment.GetEnvironmentVariable("KUBECONFIG") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        if (entries.Length > 0) return Path.GetFullPath(entries.FirstOrDefault(File.Exists) ?? entries[^1]);
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
    }

    /// <summary>Merges every cluster/user/context of <paramref name="kubeconfigYaml"/> into <paramref name="path"/> (same names replaced) and sets its current-context.</summary>
    public static void Merge(string path, string kubeconfigYaml)
    {
        var incoming = Load(kubeconfigYaml, "the new kubeconfig");
        var target = File.Exists(path) ? Load(File.ReadAllText(path), path) : Empty();
        foreach (var section in new[] { "clusters", "users", "contexts" })
        {
            var list = Sequence(target, section);
            foreach (var entry in Sequence(incoming, section).Children.OfType<YamlMappingNode>().ToList())
            {
                var name = NameOf(entry);
                var existing = list.Children.OfType<YamlMappingNode>().FirstOrDefault(e => NameOf(e) == name);
                if (existing is not null) list.Children[list.Children.IndexOf(existing)] = entry;
                else list.Children.Add(entry);
            }
        }
        if (incoming.Children.TryGetValue(new YamlScalarNode("current-context"), out var current))
            target.Children[new YamlScalarNode("current-context")] = current;
        Save(path, target);
    }

    /// <summary>Removes the cluster, user and context named <paramref name="entryName"/>; clears current-context when it pointed there. False when nothing was there.</summary>
    public static bool Remove(string path, string entryName)
    {
        if (!File.Exists(path)) return false;
        var target = Load(File.ReadAllText(path), path);
        var removed = false;
        foreach (var section in new[] { "clusters", "users", "contexts" })
        {
            var list = Sequence(target, section);
            foreach (var entry in list.Children.OfType<YamlMappingNode>().Where(e => NameOf(e) == entryName).ToList())
            {
                list.Children.Remove(entry);
                removed = true;
            }
        }
        if (target.Children.TryGetValue(new YamlScalarNode("current-context"), out var current) && (current as YamlScalarNode)?.Value == entryName)
            target.Children[new YamlScalarNode("current-context")] = new YamlScalarNode("");
        if (removed) Save(path, target);
        return removed;
    }

    /// <summary>The server URL of a context in a kubeconfig file, or null.</summary>
    public static string? ServerOf(string path, string context)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var root = Load(File.ReadAllText(path), path);
            var ctx = Sequence(root, "contexts").Children.OfType<YamlMappingNode>().FirstOrDefault(e => NameOf(e) == context);
            var clusterName = (Child(Child(ctx, "context"), "cluster") as YamlScalarNode)?.Value;
            var cluster = Sequence(root, "clusters").Children.OfType<YamlMappingNode>().FirstOrDefault(e => NameOf(e) == clusterName);
            return (Child(Child(cluster, "cluster"), "server") as YamlScalarNode)?.Value;
        }
        catch (BgpLabException)
        {
            return null;
        }
    }

    private static YamlMappingNode Empty() => new(
        new YamlScalarNode("apiVersion"), new YamlScalarNode("v1"),
        new YamlScalarNode("kind"), new YamlScalarNode("Config"),
        new YamlScalarNode("preferences"), new YamlMappingNode());

    private static YamlMappingNode Load(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new BgpLabException($"{source} is not a valid kubeconfig: {e.Message}", "KubeconfigInvalid", FailureKind.InvalidData, source, e);
        }
        if (stream.Documents.Count == 0) return Empty();
        return stream.Documents[0].RootNode as YamlMappingNode
               ?? throw new BgpLabException($"{source} is not a valid kubeconfig (not a mapping).", "KubeconfigInvalid", FailureKind.InvalidData, source);
    }

    private static YamlSequenceNode Sequence(YamlMappingNode root, string name)
    {
        if (root.Children.TryGetValue(new YamlScalarNode(name), out var node) && node is YamlSequenceNode seq) return seq;
        var created = new YamlSequenceNode();
        root.Children[new YamlScalarNode(name)] = created;
        return created;
    }

    private static string? NameOf(YamlMappingNode entry) => (Child(entry, "name") as YamlScalarNode)?.Value;

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static void Save(string path, YamlMappingNode root)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".bgplab-tmp";
        using (var writer = new StreamWriter(temp))
            new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        // kubeconfigs hold credentials: owner-only, as kind and kubectl write them.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }
}
