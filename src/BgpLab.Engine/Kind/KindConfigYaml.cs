using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BgpLab.Engine.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BgpLab.Engine.Kind;

/// <summary>What the rendered config is for: decides the kubeletExtraArgs form of generated kubeadm patches.</summary>
public sealed record KindRenderTarget(System.Version? KubernetesVersion)
{
    /// <summary>No known Kubernetes version: map-form patches without apiVersion, which kind v0.20–v0.32 all accept.</summary>
    public static readonly KindRenderTarget Portable = new((System.Version?)null);

    /// <summary>The Kubernetes version in a kindest/node tag (kindest/node:v1.36.1@sha256:…), or null.</summary>
    public static KindRenderTarget ForImage(string? image)
    {
        if (image is null) return Portable;
        var m = Regex.Match(image, @":v(\d+)\.(\d+)(?:\.(\d+))?");
        return m.Success ? new KindRenderTarget(new System.Version(int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value), m.Groups[3].Success ? int.Parse(m.Groups[3].Value) : 0)) : Portable;
    }

    /// <summary>kubeadm's config API kind renders for that Kubernetes: v1beta2 &lt; 1.23, v1beta3 to 1.35, v1beta4 from 1.36 (kind v0.32+).</summary>
    public string KubeadmApiVersion => KubernetesVersion switch
    {
        null => "v1beta3",
        { Major: 1, Minor: < 23 } => "v1beta2",
        { Major: 1, Minor: < 36 } => "v1beta3",
        _ => "v1beta4",
    };
}

/// <summary>
/// Reads kind v1alpha4 YAML strictly, as kind does (an unknown field is an error, named with its line),
/// and writes it back in kind's field order, rendering typed node IPs and labels into what kind accepts.
/// </summary>
public static class KindConfigYaml
{
    public static KindClusterConfig ReadFile(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new BgpLabException($"The kind config '{full}' does not exist.", "KindConfigNotFound", FailureKind.ObjectNotFound, full);
        var config = Read(File.ReadAllText(full), full);
        config.SourcePath = full;
        return config;
    }

    public static KindClusterConfig Read(string text, string? sourcePath = null)
    {
        var reader = new Reader(sourcePath ?? "<config>");
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw reader.Error(e.Start, $"is not valid YAML: {e.Message}");
        }
        if (stream.Documents.Count != 1) throw reader.Error(Mark.Empty, $"must hold exactly one YAML document (found {stream.Documents.Count})");
        return reader.Cluster(stream.Documents[0].RootNode);
    }

    private sealed class Reader(string source)
    {
        public BgpLabException Error(Mark mark, string message) =>
            new($"{source}{(mark.Line > 0 ? $":{mark.Line}:{mark.Column}" : "")}: {message}", "KindConfigInvalid", FailureKind.ParserError, source);

        private YamlMappingNode Map(YamlNode node, string path) =>
            node as YamlMappingNode ?? throw Error(node.Start, $"{path} must be a mapping");

        private IEnumerable<(string Key, YamlNode Value, Mark Mark)> Fields(YamlNode node, string path, string[] known)
        {
            foreach (var (k, v) in Map(node, path).Children)
            {
                var key = (k as YamlScalarNode)?.Value ?? "";
                if (!known.Contains(key, StringComparer.Ordinal))
                    throw Error(k.Start, $"unknown field \"{key}\" in {path} (kind decodes {KindClusterConfig.ApiVersion} configs strictly; known fields: {string.Join(", ", known)})");
                yield return (key, v, k.Start);
            }
        }

        private string? Str(YamlNode node, string path)
        {
            if (node is not YamlScalarNode s) throw Error(node.Start, $"{path} must be a string");
            return IsNull(s) ? null : s.Value;
        }

        private static bool IsNull(YamlScalarNode s) => s.Style == ScalarStyle.Plain && s.Value is "" or "~" or "null" or "Null" or "NULL";

        private bool Bool(YamlNode node, string path)
        {
            var text = Str(node, path);
            return text switch
            {
                "true" or "True" or "TRUE" => true,
                "false" or "False" or "FALSE" or null => false,
                _ => throw Error(node.Start, $"{path} must be true or false (got \"{text}\")"),
            };
        }

        private int Int(YamlNode node, string path)
        {
            var text = Str(node, path);
            if (text is null) return 0;
            if (((YamlScalarNode)node).Style != ScalarStyle.Plain || !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                throw Error(node.Start, $"{path} must be an integer (got \"{text}\")");
            return value;
        }

        private List<YamlNode> Seq(YamlNode node, string path)
        {
            if (node is YamlScalarNode s && IsNull(s)) return new List<YamlNode>();
            return (node as YamlSequenceNode)?.Children.ToList() ?? throw Error(node.Start, $"{path} must be a list");
        }

        private List<string> Strings(YamlNode node, string path) => Seq(node, path).Select((n, i) => Str(n, $"{path}[{i}]") ?? "").ToList();

        private Dictionary<string, string> StringMap(YamlNode node, string path) =>
            node is YamlScalarNode s && IsNull(s) ? new() : Map(node, path).Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => Str(kv.Value, $"{path}.{((YamlScalarNode)kv.Key).Value}") ?? "", StringComparer.Ordinal);

        public KindClusterConfig Cluster(YamlNode root)
        {
            var config = new KindClusterConfig();
            string? kind = null, apiVersion = null;
            foreach (var (key, value, _) in Fields(root, "the Cluster", ["kind", "apiVersion", "name", "nodes", "networking", "featureGates", "runtimeConfig",
                         "kubeadmConfigPatches", "kubeadmConfigPatchesJSON6902", "containerdConfigPatches", "containerdConfigPatchesJSON6902"]))
            {
                switch (key)
                {
                    case "kind": kind = Str(value, key); break;
                    case "apiVersion": apiVersion = Str(value, key); break;
                    case "name": config.Name = Str(value, key); break;
                    case "nodes":
                        var nodes = Seq(value, key);
                        for (var i = 0; i < nodes.Count; i++) config.Nodes.Add(Node(nodes[i], $"nodes[{i}]"));
                        break;
                    case "networking": config.Networking = Networking(value); break;
                    case "featureGates":
                        foreach (var (k, v) in Map(value, key).Children) config.FeatureGates[((YamlScalarNode)k).Value ?? ""] = Bool(v, $"featureGates.{k}");
                        break;
                    case "runtimeConfig": config.RuntimeConfig = StringMap(value, key); break;
                    case "kubeadmConfigPatches": config.KubeadmConfigPatches = Strings(value, key); break;
                    case "kubeadmConfigPatchesJSON6902": config.KubeadmConfigPatchesJSON6902 = Json6902(value, key); break;
                    case "containerdConfigPatches": config.ContainerdConfigPatches = Strings(value, key); break;
                    case "containerdConfigPatchesJSON6902": config.ContainerdConfigPatchesJSON6902 = Strings(value, key); break;
                }
            }
            if (kind != KindClusterConfig.KindName || apiVersion != KindClusterConfig.ApiVersion)
                throw Error(root.Start, $"must be kind: {KindClusterConfig.KindName} with apiVersion: {KindClusterConfig.ApiVersion} (got kind: {kind ?? "<none>"}, apiVersion: {apiVersion ?? "<none>"})");
            return config;
        }

        private KindNodeConfig Node(YamlNode node, string path)
        {
            var result = new KindNodeConfig { SourceLine = (int)node.Start.Line, Role = KindNodeConfig.ControlPlane };
            foreach (var (key, value, _) in Fields(node, path, ["role", "image", "labels", "extraMounts", "extraPortMappings", "kubeadmConfigPatches", "kubeadmConfigPatchesJSON6902"]))
            {
                var p = $"{path}.{key}";
                switch (key)
                {
                    case "role": result.Role = Str(value, p) ?? KindNodeConfig.ControlPlane; break;
                    case "image": result.Image = Str(value, p); break;
                    case "labels": result.Labels = StringMap(value, p); break;
                    case "extraMounts":
                        var mounts = Seq(value, p);
                        for (var i = 0; i < mounts.Count; i++) result.ExtraMounts.Add(Mount(mounts[i], $"{p}[{i}]"));
                        break;
                    case "extraPortMappings":
                        var ports = Seq(value, p);
                        for (var i = 0; i < ports.Count; i++) result.ExtraPortMappings.Add(Port(ports[i], $"{p}[{i}]"));
                        break;
                    case "kubeadmConfigPatches": result.KubeadmConfigPatches = Strings(value, p); break;
                    case "kubeadmConfigPatchesJSON6902": result.KubeadmConfigPatchesJSON6902 = Json6902(value, p); break;
                }
            }
            return result;
        }

        private KindNetworking Networking(YamlNode node)
        {
            var n = new KindNetworking();
            foreach (var (key, value, _) in Fields(node, "networking", ["ipFamily", "apiServerPort", "apiServerAddress", "podSubnet", "serviceSubnet", "disableDefaultCNI", "kubeProxyMode", "dnsSearch"]))
            {
                var p = $"networking.{key}";
                switch (key)
                {
                    case "ipFamily": n.IpFamily = Str(value, p); break;
                    case "apiServerPort": n.ApiServerPort = Int(value, p); break;
                    case "apiServerAddress": n.ApiServerAddress = Str(value, p); break;
                    case "podSubnet": n.PodSubnet = Str(value, p); break;
                    case "serviceSubnet": n.ServiceSubnet = Str(value, p); break;
                    case "disableDefaultCNI": n.DisableDefaultCNI = Bool(value, p); break;
                    case "kubeProxyMode": n.KubeProxyMode = Str(value, p); break;
                    case "dnsSearch": n.DnsSearch = Strings(value, p); break;
                }
            }
            return n;
        }

        private KindMount Mount(YamlNode node, string path)
        {
            var m = new KindMount();
            foreach (var (key, value, _) in Fields(node, path, ["containerPath", "hostPath", "readOnly", "selinuxRelabel", "propagation"]))
            {
                var p = $"{path}.{key}";
                switch (key)
                {
                    case "containerPath": m.ContainerPath = Str(value, p); break;
                    case "hostPath": m.HostPath = Str(value, p); break;
                    case "readOnly": m.ReadOnly = Bool(value, p); break;
                    case "selinuxRelabel": m.SelinuxRelabel = Bool(value, p); break;
                    case "propagation": m.Propagation = Str(value, p); break;
                }
            }
            return m;
        }

        private KindPortMapping Port(YamlNode node, string path)
        {
            var m = new KindPortMapping();
            foreach (var (key, value, _) in Fields(node, path, ["containerPort", "hostPort", "listenAddress", "protocol"]))
            {
                var p = $"{path}.{key}";
                switch (key)
                {
                    case "containerPort": m.ContainerPort = Int(value, p); break;
                    case "hostPort": m.HostPort = Int(value, p); break;
                    case "listenAddress": m.ListenAddress = Str(value, p); break;
                    case "protocol": m.Protocol = Str(value, p); break;
                }
            }
            return m;
        }

        private List<KindPatchJson6902> Json6902(YamlNode node, string path) => Seq(node, path).Select((item, i) =>
        {
            var patch = new KindPatchJson6902();
            foreach (var (key, value, _) in Fields(item, $"{path}[{i}]", ["group", "version", "kind", "patch"]))
            {
                var text = Str(value, $"{path}[{i}].{key}") ?? "";
                switch (key)
                {
                    case "group": patch.Group = text; break;
                    case "version": patch.Version = text; break;
                    case "kind": patch.Kind = text; break;
                    case "patch": patch.Patch = text; break;
                }
            }
            return patch;
        }).ToList();
    }

    // ------------------------------------------------------------------ writing

    /// <summary>
    /// The config as kind v1alpha4 YAML, in kind's field order. Typed node IPs (and labels when
    /// <see cref="KindNodeConfig.LabelsInKubeadmPatch"/>) become one kubeadm patch per node, without apiVersion.
    /// </summary>
    public static string Write(KindClusterConfig config, KindRenderTarget? target = null)
    {
        var w = new StringBuilder();
        w.Append("kind: ").AppendLine(KindClusterConfig.KindName);
        w.Append("apiVersion: ").AppendLine(KindClusterConfig.ApiVersion);
        if (!string.IsNullOrEmpty(config.Name)) w.Append("name: ").AppendLine(Scalar(config.Name));
        WriteNetworking(w, config.Networking);
        if (config.FeatureGates.Count > 0)
        {
            w.AppendLine("featureGates:");
            foreach (var (k, v) in config.FeatureGates) w.Append("  ").Append(Scalar(k)).Append(": ").AppendLine(v ? "true" : "false");
        }
        WriteMap(w, "", "runtimeConfig", config.RuntimeConfig);
        WriteStrings(w, "", "kubeadmConfigPatches", config.KubeadmConfigPatches);
        WriteJson6902(w, "", config.KubeadmConfigPatchesJSON6902);
        WriteStrings(w, "", "containerdConfigPatches", config.ContainerdConfigPatches);
        WriteStrings(w, "", "containerdConfigPatchesJSON6902", config.ContainerdConfigPatchesJSON6902);
        if (config.Nodes.Count > 0)
        {
            w.AppendLine("nodes:");
            var firstControlPlane = config.Nodes.FirstOrDefault(n => n.Role == KindNodeConfig.ControlPlane);
            foreach (var node in config.Nodes)
            {
                var nodeTarget = node.Image is not null ? KindRenderTarget.ForImage(node.Image) : target ?? KindRenderTarget.Portable;
                w.Append("- role: ").AppendLine(Scalar(node.Role));
                if (node.Image is not null) w.Append("  image: ").AppendLine(Scalar(node.Image));
                if (!node.LabelsInKubeadmPatch) WriteMap(w, "  ", "labels", node.Labels);
                if (node.ExtraMounts.Count > 0)
                {
                    w.AppendLine("  extraMounts:");
                    foreach (var m in node.ExtraMounts)
                    {
                        var first = true;
                        void Field(string name, string? value)
                        {
                            if (value is null) return;
                            w.Append(first ? "  - " : "    ").Append(name).Append(": ").AppendLine(value);
                            first = false;
                        }
                        Field("hostPath", m.HostPath is null ? null : Scalar(m.HostPath));
                        Field("containerPath", m.ContainerPath is null ? null : Scalar(m.ContainerPath));
                        Field("readOnly", m.ReadOnly ? "true" : null);
                        Field("selinuxRelabel", m.SelinuxRelabel ? "true" : null);
                        Field("propagation", m.Propagation is null ? null : Scalar(m.Propagation));
                        if (first) w.AppendLine("  - {}");
                    }
                }
                if (node.ExtraPortMappings.Count > 0)
                {
                    w.AppendLine("  extraPortMappings:");
                    foreach (var p in node.ExtraPortMappings)
                    {
                        w.Append("  - containerPort: ").AppendLine(p.ContainerPort.ToString(CultureInfo.InvariantCulture));
                        if (p.HostPort != 0) w.Append("    hostPort: ").AppendLine(p.HostPort.ToString(CultureInfo.InvariantCulture));
                        if (p.ListenAddress is not null) w.Append("    listenAddress: ").AppendLine(Scalar(p.ListenAddress));
                        if (p.Protocol is not null) w.Append("    protocol: ").AppendLine(Scalar(p.Protocol));
                    }
                }
                var patches = node.KubeadmConfigPatches.ToList();
                var generated = KubeadmPatches.ForTypedSettings(node, ReferenceEquals(node, firstControlPlane), nodeTarget);
                if (generated is not null) patches.Add(generated);
                WriteStrings(w, "  ", "kubeadmConfigPatches", patches);
                WriteJson6902(w, "  ", node.KubeadmConfigPatchesJSON6902);
            }
        }
        return w.ToString();
    }

    private static void WriteNetworking(StringBuilder w, KindNetworking n)
    {
        var lines = new List<string>();
        if (n.IpFamily is not null) lines.Add($"ipFamily: {Scalar(n.IpFamily)}");
        if (n.ApiServerAddress is not null) lines.Add($"apiServerAddress: {Scalar(n.ApiServerAddress)}");
        if (n.ApiServerPort is { } port && port != 0) lines.Add($"apiServerPort: {port.ToString(CultureInfo.InvariantCulture)}");
        if (n.PodSubnet is not null) lines.Add($"podSubnet: {Quoted(n.PodSubnet)}");
        if (n.ServiceSubnet is not null) lines.Add($"serviceSubnet: {Quoted(n.ServiceSubnet)}");
        if (n.DisableDefaultCNI) lines.Add("disableDefaultCNI: true");
        if (n.KubeProxyMode is not null) lines.Add($"kubeProxyMode: {Scalar(n.KubeProxyMode)}");
        if (n.DnsSearch is not null) lines.Add(n.DnsSearch.Count == 0 ? "dnsSearch: []" : "dnsSearch:\n" + string.Join("\n", n.DnsSearch.Select(d => $"  - {Scalar(d)}")));
        if (lines.Count == 0) return;
        w.AppendLine("networking:");
        foreach (var line in lines) w.AppendLine(string.Join("\n", line.Split('\n').Select(l => "  " + l)));
    }

    private static void WriteMap(StringBuilder w, string indent, string name, IReadOnlyDictionary<string, string> map)
    {
        if (map.Count == 0) return;
        w.Append(indent).Append(name).AppendLine(":");
        foreach (var (k, v) in map) w.Append(indent).Append("  ").Append(Scalar(k)).Append(": ").AppendLine(Quoted(v));
    }

    private static void WriteStrings(StringBuilder w, string indent, string name, IReadOnlyList<string> items)
    {
        if (items.Count == 0) return;
        w.Append(indent).Append(name).AppendLine(":");
        foreach (var item in items) w.Append(indent).Append("- ").AppendLine(Block(item, indent + "  "));
    }

    private static void WriteJson6902(StringBuilder w, string indent, IReadOnlyList<KindPatchJson6902> patches)
    {
        if (patches.Count == 0) return;
        w.Append(indent).AppendLine("kubeadmConfigPatchesJSON6902:");
        foreach (var p in patches)
        {
            w.Append(indent).Append("- group: ").AppendLine(Quoted(p.Group));
            w.Append(indent).Append("  version: ").AppendLine(Quoted(p.Version));
            w.Append(indent).Append("  kind: ").AppendLine(Quoted(p.Kind));
            w.Append(indent).Append("  patch: ").AppendLine(Block(p.Patch, indent + "    "));
        }
    }

    /// <summary>Multi-line text as a literal block (| keeps the final newline, |- drops it); one line as a scalar.</summary>
    private static string Block(string text, string indent)
    {
        if (!text.Contains('\n')) return Quoted(text);
        var chomp = text.EndsWith('\n') ? "" : "-";
        var body = text.EndsWith('\n') ? text[..^1] : text;
        var indentIndicator = body.StartsWith(' ') ? "2" : "";
        return $"|{indentIndicator}{chomp}\n" + string.Join("\n", body.Split('\n').Select(l => l.Length == 0 ? "" : indent + l));
    }

    private static readonly Regex PlainSafe = new(@"^[A-Za-z0-9_./][A-Za-z0-9_./:@=+-]*$", RegexOptions.Compiled);

    /// <summary>A string that YAML could read as another type (true, 10, null) or that needs quoting is double-quoted.</summary>
    private static string Scalar(string value)
    {
        if (PlainSafe.IsMatch(value) && !LooksTyped(value) && !value.EndsWith(':')) return value;
        return Quoted(value);
    }

    private static string Quoted(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\t", "\\t") + "\"";

    private static bool LooksTyped(string value) =>
        value is "true" or "false" or "True" or "False" or "TRUE" or "FALSE" or "null" or "Null" or "NULL" or "~" or "yes" or "no" or "on" or "off" or "y" or "n"
        || double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
