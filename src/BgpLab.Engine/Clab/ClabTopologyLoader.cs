using BgpLab.Engine.Common;
using YamlDotNet.RepresentationModel;

namespace BgpLab.Engine.Clab;

/// <summary>
/// Reads a containerlab topology file the way containerlab does (core/file.go): environment expansion,
/// then strict YAML (unknown keys are errors), then the effective node settings after
/// defaults → kinds → groups → node inheritance. Go text/template rendering is not supported.
/// Every error is a <see cref="ClabTopologyException"/> whose message starts with <c>file:line:column:</c>.
/// </summary>
public static class ClabTopologyLoader
{
    internal static readonly string[] TopLevelKeys = ["name", "prefix", "mgmt", "settings", "topology", "debug"];
    internal static readonly string[] TopologyKeys = ["defaults", "kinds", "nodes", "groups", "links"];
    internal static readonly string[] MgmtKeys =
        ["network", "bridge", "ipv4-subnet", "ipv4-gw", "ipv4-range", "ipv6-subnet", "ipv6-gw", "ipv6-range", "mtu",
         "external-access", "skip-when-unused", "driver-opts"];

    /// <summary>Node-config keys containerlab's NodeDefinition accepts (types/node_definition.go), legacy ones included.</summary>
    internal static readonly string[] NodeKeys =
        ["kind", "group", "type", "startup-config", "startup-delay", "enforce-startup-config", "suppress-startup-config",
         "auto-remove", "restart-policy", "config", "image", "image-pull-policy", "license", "position", "hostname",
         "entrypoint", "cmd", "exec", "binds", "volumes", "devices", "cap-add", "privileged", "cgroupns-mode",
         "cgroup-parent", "pid-mode", "tmpfs", "security-opts", "shm-size", "ports", "mgmt-ipv4", "mgmt-ipv6", "env",
         "env-files", "user", "labels", "network-mode", "runtime", "cpu", "cpu-set", "memory", "sysctls", "extras",
         "stages", "dns", "certificate", "healthcheck", "credentials", "aliases", "components", "link-apply-mode",
         "username", "password"];

    internal static readonly string[] LinkTypes = ["veth", "veth-stitch", "mgmt-net", "macvlan", "host", "vxlan", "vxlan-stitch", "dummy"];
    private static readonly string[] CommonLinkKeys = ["type", "mtu", "labels", "ipv4", "ipv6", "vars"];
    private static readonly string[] EndpointKeys = ["node", "interface", "mac", "ipv4", "ipv6", "vars"];

    /// <summary>Extra keys of each extended link type, beside the common ones and endpoint(s).</summary>
    internal static string[] LinkTypeKeys(string type) => type switch
    {
        "veth" or "veth-stitch" => ["endpoints"],
        "mgmt-net" or "host" => ["host-interface", "endpoint"],
        "macvlan" => ["host-interface", "endpoint", "mode"],
        "vxlan" or "vxlan-stitch" => ["remote", "vni", "endpoint", "udp-port", "dst-port", "parent-interface", "src-port"],
        "dummy" => ["endpoint"],
        _ => ["endpoints"],
    };

    /// <summary>Reads and parses a topology file; <paramref name="environment"/> defaults to the process environment.</summary>
    public static ClabTopology Load(string path, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var text = ReadFile(path);
        var topology = Parse(text, path, environment);
        topology.Path = System.IO.Path.GetFullPath(path);
        return topology;
    }

    /// <summary>The file's text; a missing or unreadable file is a <see cref="BgpLabException"/> naming it.</summary>
    internal static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BgpLabException($"Topology file not found: {path}", "ClabTopologyFileNotFound", FailureKind.ObjectNotFound, path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BgpLabException($"Cannot read topology file {path}: {e.Message}", "ClabTopologyFileUnreadable", FailureKind.ResourceUnavailable, path, e);
        }
    }

    /// <summary>Parses topology text; <paramref name="path"/> names the file in positions and errors.</summary>
    public static ClabTopology Parse(string yamlText, string path, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var document = ClabYamlDocument.Parse(yamlText, path, environment);
        var topology = Read(document);
        RejectBrokenLinks(topology);
        return topology;
    }

    internal static ClabTopology Read(ClabYamlDocument document) => new Loader(new ClabYamlReader(document)).Read();

    /// <summary>Rules containerlab's own loader enforces when it resolves links (links/, core/): no link to a node that
    /// does not exist and no endpoint used twice. (Test-ClabTopology reports these and more without stopping.)</summary>
    private static void RejectBrokenLinks(ClabTopology topology)
    {
        var broken = ClabTopologyValidator.ValidateSemantics(topology)
            .FirstOrDefault(f => f.RuleId is "UnknownLinkNode" or "DuplicateEndpoint");
        if (broken is not null)
            throw new ClabTopologyException(new SourcePosition(broken.File ?? "", broken.Line, broken.Column), broken.Message, "ClabTopology" + broken.RuleId);
    }

    private sealed class Loader(ClabYamlReader y)
    {
        public ClabTopology Read()
        {
            var root = y.Document.Root;
            if (root is null || ClabYamlReader.IsNull(root))
                throw new ClabTopologyException(new SourcePosition(y.Document.File, 1, 1), "the file is empty: a topology needs \"name\" and \"topology\"", "ClabTopologyMissingKey");
            string? name = null, prefix = null;
            var prefixSet = false;
            var mgmt = new ClabMgmt();
            var extra = new Dictionary<string, object?>(StringComparer.Ordinal);
            YamlNode? topologyNode = null;
            foreach (var (key, keyNode, value) in y.Pairs(root, "the topology file"))
            {
                switch (key)
                {
                    case "name": name = y.String(value, "name"); break;
                    case "prefix": prefix = y.String(value, "prefix") ?? ""; prefixSet = true; break;
                    case "mgmt": mgmt = ReadMgmt(value); break;
                    case "topology": topologyNode = value; break;
                    case "debug": y.Bool(value, "debug"); extra[key] = y.Plain(value); break;
                    case "settings": extra[key] = y.Plain(value); break;
                    default: throw y.UnknownKey(keyNode, key, "the top level", TopLevelKeys);
                }
            }
            if (string.IsNullOrEmpty(name))
                throw y.Error(root, "the topology has no \"name\" (containerlab needs one: it names the lab and its containers)", "ClabTopologyMissingKey");
            name = ClabGitInfo.ExpandName(name, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(y.Document.File)));
            var topology = new ClabTopology { Name = name, Prefix = prefixSet ? prefix : null, Mgmt = mgmt, Extra = extra };
            if (topologyNode is not null && !ClabYamlReader.IsNull(topologyNode)) ReadTopology(topologyNode, topology);
            ClabInheritance.Apply(topology);
            return topology;
        }

        private ClabMgmt ReadMgmt(YamlNode node)
        {
            var mgmt = new ClabMgmt();
            if (ClabYamlReader.IsNull(node)) return mgmt;
            foreach (var (key, keyNode, value) in y.Pairs(node, "mgmt"))
            {
                var what = "mgmt." + key;
                switch (key)
                {
                    case "network": mgmt.Network = y.String(value, what); break;
                    case "bridge": mgmt.Bridge = y.String(value, what); break;
                    case "ipv4-subnet": mgmt.IPv4Subnet = y.String(value, what); break;
                    case "ipv6-subnet": mgmt.IPv6Subnet = y.String(value, what); break;
                    case "ipv4-gw": mgmt.IPv4Gateway = y.String(value, what); break;
                    case "ipv6-gw": mgmt.IPv6Gateway = y.String(value, what); break;
                    case "ipv4-range": mgmt.IPv4Range = y.String(value, what); break;
                    case "ipv6-range": mgmt.IPv6Range = y.String(value, what); break;
                    case "mtu": mgmt.Mtu = y.Int(value, what); break;
                    case "external-access": mgmt.ExternalAccess = y.Bool(value, what); break;
                    case "skip-when-unused": mgmt.SkipWhenUnused = y.Bool(value, what); break;
                    case "driver-opts": mgmt.DriverOptions = y.StringMap(value, what); break;
                    default: throw y.UnknownKey(keyNode, key, "mgmt", MgmtKeys);
                }
            }
            return mgmt;
        }

        private void ReadTopology(YamlNode node, ClabTopology topology)
        {
            foreach (var (key, keyNode, value) in y.Pairs(node, "topology"))
            {
                if (ClabYamlReader.IsNull(value)) continue;
                switch (key)
                {
                    case "defaults":
                        topology.Defaults = ReadSettings(value, "topology.defaults", null);
                        break;
                    case "kinds":
                        foreach (var (kind, _, v) in y.Pairs(value, "topology.kinds"))
                            topology.Kinds[kind] = ReadSettings(v, $"kind \"{kind}\"", null);
                        break;
                    case "groups":
                        foreach (var (group, _, v) in y.Pairs(value, "topology.groups"))
                            topology.Groups[group] = ReadSettings(v, $"group \"{group}\"", null);
                        break;
                    case "nodes":
                        foreach (var (nodeName, nameNode, v) in y.Pairs(value, "topology.nodes"))
                        {
                            var clabNode = new ClabNode { Name = nodeName, Position = y.Pos(nameNode) };
                            clabNode.Own = ReadSettings(v, $"node \"{nodeName}\"", clabNode.KeyPositions);
                            topology.Nodes.Add(clabNode);
                        }
                        break;
                    case "links":
                        if (value is not YamlSequenceNode links) throw y.Error(value, "topology.links must be a list", "ClabTopologyWrongType");
                        foreach (var link in links) topology.Links.Add(ReadLink(link));
                        break;
                    default:
                        throw y.UnknownKey(keyNode, key, "topology", TopologyKeys);
                }
            }
        }

        private ClabNodeSettings ReadSettings(YamlNode node, string what, Dictionary<string, SourcePosition>? positions)
        {
            var s = new ClabNodeSettings();
            if (ClabYamlReader.IsNull(node)) return s;
            foreach (var (key, keyNode, value) in y.Pairs(node, what))
            {
                positions?.TryAdd(key, y.Pos(keyNode));
                var w = $"{key} of {what}";
                switch (key)
                {
                    case "kind": s.Kind = y.String(value, w); break;
                    case "group": s.Group = y.String(value, w); break;
                    case "type": s.Type = y.String(value, w); break;
                    case "image": s.Image = y.String(value, w); break;
                    case "image-pull-policy": s.ImagePullPolicy = y.String(value, w); break;
                    case "startup-config": s.StartupConfig = y.String(value, w); break;
                    case "startup-delay":
                        s.StartupDelay = y.Int(value, w);
                        if (s.StartupDelay < 0) throw y.Error(value, $"{w} must not be negative");
                        break;
                    case "license": s.License = y.String(value, w); break;
                    case "hostname": s.Hostname = y.String(value, w); break;
                    case "entrypoint": s.Entrypoint = y.String(value, w); break;
                    case "cmd": s.Cmd = y.String(value, w); break;
                    case "user": s.User = y.String(value, w); break;
                    case "exec": s.Exec = y.StringList(value, w); break;
                    case "binds":
                        s.Binds = y.StringList(value, w);
                        CheckMounts(value, s.Binds, w, ClabInheritance.BindDestination, "host-path:container-path[:options]", "ClabTopologyBadBind");
                        break;
                    case "ports": s.Ports = y.StringList(value, w); break;
                    case "env-files": s.EnvFiles = y.StringList(value, w); break;
                    case "devices": s.Devices = y.StringList(value, w); break;
                    case "cap-add": s.CapAdd = y.StringList(value, w); break;
                    case "volumes":
                        s.Volumes = y.StringList(value, w);
                        CheckMounts(value, s.Volumes, w, ClabInheritance.VolumeDestination, "[volume-name:]container-path[:options] (host paths belong in binds)", "ClabTopologyBadVolume");
                        break;
                    case "aliases": s.Aliases = y.StringList(value, w); break;
                    case "env": s.Env = y.StringMap(value, w); break;
                    case "labels": s.Labels = y.StringMap(value, w); break;
                    case "sysctls": s.Sysctls = y.StringMap(value, w); break;
                    case "mgmt-ipv4": s.MgmtIPv4 = y.String(value, w); break;
                    case "mgmt-ipv6": s.MgmtIPv6 = y.String(value, w); break;
                    case "network-mode": s.NetworkMode = y.String(value, w); break;
                    case "restart-policy": s.RestartPolicy = y.String(value, w); break;
                    case "privileged": s.Privileged = y.Bool(value, w); break;
                    case "auto-remove": s.AutoRemove = y.Bool(value, w); break;
                    case "cpu": s.Cpu = y.Double(value, w); break;
                    case "cpu-set": s.CpuSet = y.String(value, w); break;
                    case "memory": s.Memory = y.String(value, w); break;
                    case "shm-size": s.ShmSize = y.String(value, w); break;
                    case "pid-mode": s.PidMode = y.String(value, w); break;
                    case "runtime": s.Runtime = y.String(value, w); break;
                    case "dns": ReadDns(value, s, w); break;
                    case "enforce-startup-config" or "suppress-startup-config":
                        y.Bool(value, w);
                        s.Extra[key] = y.Plain(value);
                        break;
                    case "tmpfs":
                        y.StringMap(value, w);
                        s.Extra[key] = y.Plain(value);
                        break;
                    case "security-opts":
                        y.StringList(value, w);
                        s.Extra[key] = y.Plain(value);
                        break;
                    case "position" or "cgroupns-mode" or "cgroup-parent" or "link-apply-mode" or "username" or "password":
                        y.String(value, w);
                        s.Extra[key] = y.Plain(value);
                        break;
                    default:
                        if (!NodeKeys.Contains(key)) throw y.UnknownKey(keyNode, key, what, NodeKeys);
                        s.Extra[key] = y.Plain(value);
                        break;
                }
            }
            return s;
        }

        private void ReadDns(YamlNode node, ClabNodeSettings s, string what)
        {
            if (ClabYamlReader.IsNull(node)) return;
            // An empty mapping still counts as "set" for inheritance; keep it visible as empty lists.
            s.Dns = [];
            foreach (var (key, keyNode, value) in y.Pairs(node, what))
            {
                var list = y.StringList(value, $"{key} of {what}") ?? [];
                switch (key)
                {
                    case "servers": s.Dns = list; break;
                    case "search": s.DnsSearch = list; break;
                    case "options": s.DnsOptions = list; break;
                    default: throw y.UnknownKey(keyNode, key, what, ["servers", "search", "options"]);
                }
            }
        }

        private void CheckMounts(YamlNode node, List<string>? entries, string what, Func<string, string?> destination, string expected, string errorId)
        {
            if (entries is null) return;
            var items = ((YamlSequenceNode)node).Children;
            for (var i = 0; i < entries.Count; i++)
            {
                if (destination(entries[i]) is null)
                    throw y.Error(items[i], $"cannot read \"{entries[i]}\" in {what}: expected {expected}", errorId);
            }
        }

        private ClabLinkDefinition ReadLink(YamlNode node)
        {
            var pairs = y.Pairs(node, "a link");
            var link = new ClabLinkDefinition { Position = y.Pos(node) };
            var typeEntry = pairs.FirstOrDefault(p => p.Key == "type");
            string? type = typeEntry.Value is null ? null : y.String(typeEntry.Value, "link type");
            type = string.IsNullOrEmpty(type) ? null : type.Trim().ToLowerInvariant();
            if (type == "brief") type = null;
            if (type is not null && !LinkTypes.Contains(type))
                throw y.Error(typeEntry.Value!, $"unknown link type \"{type}\" (expected one of: {string.Join(", ", LinkTypes)}, or no type for the brief form)", "ClabTopologyBadLink");
            link.Type = type;
            var allowed = CommonLinkKeys.Concat(LinkTypeKeys(type ?? "")).ToArray();
            YamlNode? endpointsNode = null;
            foreach (var (key, keyNode, value) in pairs)
            {
                switch (key)
                {
                    case "type": break;
                    case "mtu": link.Mtu = y.Int(value, "link mtu"); break;
                    case "labels": link.Labels = y.StringMap(value, "link labels"); break;
                    case "ipv4": link.IPv4 = y.StringList(value, "link ipv4"); break;
                    case "ipv6": link.IPv6 = y.StringList(value, "link ipv6"); break;
                    case "vars": link.Vars = ClabYamlReader.IsNull(value) ? null : (Dictionary<string, object?>)y.Plain(value is YamlMappingNode ? value : throw y.Error(value, "link vars must be a mapping", "ClabTopologyWrongType"))!; break;
                    case "endpoints" when allowed.Contains(key): endpointsNode = value; break;
                    case "endpoint" when allowed.Contains(key):
                        if (!ClabYamlReader.IsNull(value)) link.Endpoints.Add(ReadEndpoint(value));
                        break;
                    default:
                        if (!allowed.Contains(key))
                            throw y.UnknownKey(keyNode, key, type is null ? "a brief link (endpoints: [\"node:iface\", \"node:iface\"])" : $"a {type} link", allowed);
                        if (key is "vni" or "udp-port" or "dst-port" or "src-port") y.Int(value, $"link {key}");
                        else y.String(value, $"link {key}");
                        link.Extra[key] = y.Plain(value);
                        break;
                }
            }
            if (type is null) ReadBriefEndpoints(node, endpointsNode, link);
            else if (endpointsNode is not null && !ClabYamlReader.IsNull(endpointsNode))
            {
                if (endpointsNode is not YamlSequenceNode eps) throw y.Error(endpointsNode, "link endpoints must be a list", "ClabTopologyWrongType");
                foreach (var ep in eps) link.Endpoints.Add(ReadEndpoint(ep));
            }
            if (type is not null && link.Endpoints.Count == 0)
                throw y.Error(node, type is "veth" or "veth-stitch" ? $"a {type} link needs \"endpoints\"" : $"a {type} link needs an \"endpoint\"", "ClabTopologyBadLink");
            return link;
        }

        private void ReadBriefEndpoints(YamlNode linkNode, YamlNode? endpointsNode, ClabLinkDefinition link)
        {
            var items = endpointsNode is YamlSequenceNode seq ? seq.Children.ToList() :
                endpointsNode is null || ClabYamlReader.IsNull(endpointsNode) ? [] :
                throw y.Error(endpointsNode, "link endpoints must be a list of \"node:interface\" strings", "ClabTopologyWrongType");
            if (items.Count != 2)
                throw y.Error(endpointsNode ?? linkNode, $"a link needs exactly 2 endpoints, found {items.Count}", "ClabTopologyBadLink");
            foreach (var item in items)
            {
                var text = y.String(item, "a link endpoint") ?? "";
                var colon = text.IndexOf(':');
                if (colon <= 0 || colon == text.Length - 1)
                    throw y.Error(item, $"link endpoint \"{text}\" must be \"node:interface\"", "ClabTopologyBadLink");
                link.Endpoints.Add(new ClabEndpoint { Node = text[..colon], Interface = text[(colon + 1)..], Position = y.Pos(item) });
            }
        }

        private ClabEndpoint ReadEndpoint(YamlNode node)
        {
            string? nodeName = null, iface = null, mac = null, ipv4 = null, ipv6 = null;
            Dictionary<string, object?>? vars = null;
            foreach (var (key, keyNode, value) in y.Pairs(node, "a link endpoint"))
            {
                switch (key)
                {
                    case "node": nodeName = y.String(value, "endpoint node"); break;
                    case "interface": iface = y.String(value, "endpoint interface"); break;
                    case "mac": mac = y.String(value, "endpoint mac"); break;
                    case "ipv4": ipv4 = y.String(value, "endpoint ipv4"); break;
                    case "ipv6": ipv6 = y.String(value, "endpoint ipv6"); break;
                    case "vars":
                        if (!ClabYamlReader.IsNull(value))
                            vars = value is YamlMappingNode ? (Dictionary<string, object?>)y.Plain(value)! : throw y.Error(value, "endpoint vars must be a mapping", "ClabTopologyWrongType");
                        break;
                    default: throw y.UnknownKey(keyNode, key, "a link endpoint", EndpointKeys);
                }
            }
            if (string.IsNullOrEmpty(nodeName)) throw y.Error(node, "a link endpoint needs \"node\"", "ClabTopologyBadLink");
            return new ClabEndpoint { Node = nodeName, Interface = iface ?? "", Mac = mac, IPv4 = ipv4, IPv6 = ipv6, Vars = vars, Position = y.Pos(node) };
        }
    }
}
