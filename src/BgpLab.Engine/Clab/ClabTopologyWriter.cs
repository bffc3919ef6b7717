using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace BgpLab.Engine.Clab;

/// <summary>
/// Writes a <see cref="ClabTopology"/> as a containerlab topology file: the levels as written (defaults, kinds,
/// groups, each node's own settings — not the effective ones, so inheritance stays visible), links in their
/// own form (brief or extended). Strings that YAML would read as another type (yes, 1, null, ...) are quoted,
/// so the file reads back through <see cref="ClabTopologyLoader"/> into the same topology.
/// </summary>
public static class ClabTopologyWriter
{
    /// <summary>The topology as YAML text.</summary>
    public static string ToYaml(ClabTopology topology)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(writer, new EmitterSettings(2, int.MaxValue, false, 1024, false, true));
        var w = new Writer(emitter);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, true));
        w.Topology(topology);
        emitter.Emit(new DocumentEnd(true));
        emitter.Emit(new StreamEnd());
        return writer.ToString();
    }

    /// <summary>Writes the topology to <paramref name="path"/> (UTF-8, no BOM), replacing the file atomically.</summary>
    public static async Task WriteAsync(ClabTopology topology, string path, CancellationToken cancellationToken = default)
    {
        var text = ToYaml(topology);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
            throw new Common.BgpLabException($"Cannot write {full}: the folder {directory} does not exist.", "ClabTopologyFolderNotFound",
                Common.FailureKind.ObjectNotFound, full);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            await File.WriteAllTextAsync(temp, text, new System.Text.UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new Common.BgpLabException($"Cannot write {full}: {e.Message}", "ClabTopologyWriteFailed",
                e is UnauthorizedAccessException ? Common.FailureKind.PermissionDenied : Common.FailureKind.ResourceUnavailable, full, e);
        }
    }

    private sealed class Writer(IEmitter e)
    {
        public void Topology(ClabTopology t)
        {
            BeginMap();
            Key("name"); Str(t.Name);
            if (t.Prefix is not null) { Key("prefix"); Str(t.Prefix); }
            Mgmt(t.Mgmt);
            foreach (var (key, value) in t.Extra) { Key(key); Plain(value); }
            Key("topology");
            BeginMap();
            if (t.Defaults is not null) { Key("defaults"); Settings(t.Defaults); }
            if (t.Kinds.Count > 0)
            {
                Key("kinds"); BeginMap();
                foreach (var (kind, s) in t.Kinds) { Key(kind); Settings(s); }
                EndMap();
            }
            if (t.Groups.Count > 0)
            {
                Key("groups"); BeginMap();
                foreach (var (group, s) in t.Groups) { Key(group); Settings(s); }
                EndMap();
            }
            Key("nodes"); BeginMap();
            foreach (var node in t.Nodes) { Key(node.Name); Settings(node.Own); }
            EndMap();
            if (t.Links.Count > 0)
            {
                Key("links"); BeginSeq();
                foreach (var link in t.Links) Link(link);
                EndSeq();
            }
            EndMap();
            EndMap();
        }

        private void Mgmt(ClabMgmt m)
        {
            var entries = new List<(string, Action)>();
            void S(string key, string? v) { if (v is not null) entries.Add((key, () => Str(v))); }
            S("network", m.Network); S("bridge", m.Bridge);
            S("ipv4-subnet", m.IPv4Subnet); S("ipv4-gw", m.IPv4Gateway); S("ipv4-range", m.IPv4Range);
            S("ipv6-subnet", m.IPv6Subnet); S("ipv6-gw", m.IPv6Gateway); S("ipv6-range", m.IPv6Range);
            if (m.Mtu is { } mtu) entries.Add(("mtu", () => Num(mtu)));
            if (m.ExternalAccess is { } ea) entries.Add(("external-access", () => Bool(ea)));
            if (m.SkipWhenUnused is { } sk) entries.Add(("skip-when-unused", () => Bool(sk)));
            if (m.DriverOptions is { } opts) entries.Add(("driver-opts", () => StrMap(opts)));
            if (entries.Count == 0) return;
            Key("mgmt"); BeginMap();
            foreach (var (key, write) in entries) { Key(key); write(); }
            EndMap();
        }

        private void Settings(ClabNodeSettings s)
        {
            var entries = new List<(string, Action)>();
            void S(string key, string? v) { if (v is not null) entries.Add((key, () => Str(v))); }
            void L(string key, List<string>? v) { if (v is not null) entries.Add((key, () => StrList(v))); }
            void M(string key, Dictionary<string, string>? v) { if (v is not null) entries.Add((key, () => StrMap(v))); }
            S("kind", s.Kind); S("group", s.Group); S("type", s.Type); S("image", s.Image); S("image-pull-policy", s.ImagePullPolicy);
            S("startup-config", s.StartupConfig);
            if (s.StartupDelay is { } delay) entries.Add(("startup-delay", () => Num(delay)));
            S("license", s.License); S("hostname", s.Hostname); S("entrypoint", s.Entrypoint); S("cmd", s.Cmd); S("user", s.User);
            L("exec", s.Exec); L("binds", s.Binds); L("volumes", s.Volumes); L("ports", s.Ports);
            M("env", s.Env); L("env-files", s.EnvFiles); M("labels", s.Labels); M("sysctls", s.Sysctls);
            L("devices", s.Devices); L("cap-add", s.CapAdd); L("aliases", s.Aliases);
            if ((s.Dns ?? s.DnsSearch ?? s.DnsOptions) is not null)
            {
                entries.Add(("dns", () =>
                {
                    BeginMap();
                    if (s.Dns is { Count: > 0 } || (s.DnsSearch is null && s.DnsOptions is null)) { Key("servers"); StrList(s.Dns ?? []); }
                    if (s.DnsSearch is not null) { Key("search"); StrList(s.DnsSearch); }
                    if (s.DnsOptions is not null) { Key("options"); StrList(s.DnsOptions); }
                    EndMap();
                }));
            }
            S("mgmt-ipv4", s.MgmtIPv4); S("mgmt-ipv6", s.MgmtIPv6); S("network-mode", s.NetworkMode); S("restart-policy", s.RestartPolicy);
            if (s.Privileged is { } privileged) entries.Add(("privileged", () => Bool(privileged)));
            if (s.AutoRemove is { } autoRemove) entries.Add(("auto-remove", () => Bool(autoRemove)));
            if (s.Cpu is { } cpu) entries.Add(("cpu", () => Float(cpu)));
            S("cpu-set", s.CpuSet); S("memory", s.Memory); S("shm-size", s.ShmSize); S("pid-mode", s.PidMode); S("runtime", s.Runtime);
            foreach (var (key, value) in s.Extra) entries.Add((key, () => Plain(value)));
            if (entries.Count == 0) { e.Emit(new MappingStart(null, null, true, MappingStyle.Flow)); EndMap(); return; }
            BeginMap();
            foreach (var (key, write) in entries) { Key(key); write(); }
            EndMap();
        }

        private void Link(ClabLinkDefinition link)
        {
            BeginMap();
            if (link.IsBrief)
            {
                Key("endpoints");
                e.Emit(new SequenceStart(null, null, true, SequenceStyle.Flow));
                foreach (var ep in link.Endpoints) e.Emit(new Scalar(null, null, ep.ToString(), ScalarStyle.DoubleQuoted, false, true));
                EndSeq();
            }
            else
            {
                Key("type"); Str(link.Type!);
                var single = link.Type is not ("veth" or "veth-stitch");
                if (single && link.Endpoints.Count == 1) { Key("endpoint"); Endpoint(link.Endpoints[0]); }
                else { Key("endpoints"); BeginSeq(); foreach (var ep in link.Endpoints) Endpoint(ep); EndSeq(); }
            }
            foreach (var (key, value) in link.Extra) { Key(key); Plain(value); }
            if (link.Mtu is { } mtu) { Key("mtu"); Num(mtu); }
            if (link.IPv4 is not null) { Key("ipv4"); StrList(link.IPv4); }
            if (link.IPv6 is not null) { Key("ipv6"); StrList(link.IPv6); }
            if (link.Labels is not null) { Key("labels"); StrMap(link.Labels); }
            if (link.Vars is not null) { Key("vars"); Plain(link.Vars); }
            EndMap();
        }

        private void Endpoint(ClabEndpoint ep)
        {
            BeginMap();
            Key("node"); Str(ep.Node);
            Key("interface"); Str(ep.Interface);
            if (ep.Mac is not null) { Key("mac"); Str(ep.Mac); }
            if (ep.IPv4 is not null) { Key("ipv4"); Str(ep.IPv4); }
            if (ep.IPv6 is not null) { Key("ipv6"); Str(ep.IPv6); }
            if (ep.Vars is not null) { Key("vars"); Plain(ep.Vars); }
            EndMap();
        }

        private void BeginMap() => e.Emit(new MappingStart(null, null, true, MappingStyle.Block));
        private void EndMap() => e.Emit(new MappingEnd());
        private void BeginSeq() => e.Emit(new SequenceStart(null, null, true, SequenceStyle.Block));
        private void EndSeq() => e.Emit(new SequenceEnd());
        private void Key(string key) => Str(key);
        private void Num(long value) => e.Emit(new Scalar(value.ToString(CultureInfo.InvariantCulture)));
        private void Bool(bool value) => e.Emit(new Scalar(value ? "true" : "false"));

        private void Float(double value)
        {
            var text = value.ToString("R", CultureInfo.InvariantCulture);
            if (double.IsPositiveInfinity(value)) text = ".inf";
            else if (double.IsNegativeInfinity(value)) text = "-.inf";
            else if (double.IsNaN(value)) text = ".nan";
            else if (!text.Contains('.') && !text.Contains('E') && !text.Contains('e')) text += ".0";
            e.Emit(new Scalar(text));
        }

        /// <summary>A string, quoted when a YAML 1.1 reader (containerlab's go-yaml v2) would take it for something else.</summary>
        private void Str(string value)
        {
            var plainMeaning = ClabYamlReader.ResolveScalar(new YamlScalarNode(value) { Style = ScalarStyle.Plain });
            var style = plainMeaning is string s && s == value && value.Trim() == value && !value.Contains('\n') ? ScalarStyle.Any : ScalarStyle.DoubleQuoted;
            e.Emit(new Scalar(null, null, value, style, true, true));
        }

        private void StrList(List<string> values)
        {
            BeginSeq();
            foreach (var v in values) Str(v);
            EndSeq();
        }

        private void StrMap(Dictionary<string, string> values)
        {
            BeginMap();
            foreach (var (k, v) in values) { Key(k); Str(v); }
            EndMap();
        }

        private void Plain(object? value)
        {
            switch (value)
            {
                case null: e.Emit(new Scalar("null")); break;
                case string s: Str(s); break;
                case bool b: Bool(b); break;
                case double d: Float(d); break;
                case float f: Float(f); break;
                case long or int or short or byte or uint or ulong: e.Emit(new Scalar(Convert.ToString(value, CultureInfo.InvariantCulture)!)); break;
                case IDictionary<string, object?> map:
                    BeginMap();
                    foreach (var (k, v) in map) { Key(k); Plain(v); }
                    EndMap();
                    break;
                case IDictionary<string, string> smap: StrMap(new Dictionary<string, string>(smap)); break;
                case System.Collections.IEnumerable list:
                    BeginSeq();
                    foreach (var item in list) Plain(item);
                    EndSeq();
                    break;
                default: Str(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""); break;
            }
        }
    }
}
