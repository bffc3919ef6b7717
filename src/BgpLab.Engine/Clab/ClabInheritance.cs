namespace BgpLab.Engine.Clab;

/// <summary>
/// Containerlab's inheritance of node settings (types/topology.go): scalars take the first level that sets
/// them (node → group → kind → defaults; "" counts as unset), maps merge per key (defaults → kind → group →
/// node, more specific wins), lists concatenate defaults → kind → group → node and keep each string once at its
/// first position; binds and volumes are then de-duplicated by container path (the more specific level wins)
/// and sorted. The node's kind is node.kind → its group's kind → defaults.group's kind → defaults.kind; its
/// group is node.group → kinds[kind].group → defaults.group. <c>aliases</c> are not inherited.
/// </summary>
public static class ClabInheritance
{
    // Keys kept in Extra that merge instead of first-set-wins.
    private static readonly HashSet<string> ExtraListKeys = new(StringComparer.Ordinal) { "security-opts" };
    private static readonly HashSet<string> ExtraMapKeys = new(StringComparer.Ordinal) { "tmpfs" };

    /// <summary>Recomputes every node's <see cref="ClabNode.Effective"/> settings and container name.</summary>
    public static void Apply(ClabTopology topology)
    {
        foreach (var node in topology.Nodes)
        {
            node.Effective = Resolve(topology, node.Own);
            node.ContainerName = node.Effective.Kind == "ext-container" ? node.Name : topology.ContainerNamePrefix + node.Name;
        }
    }

    /// <summary>The effective settings of a node whose own settings are <paramref name="own"/>.</summary>
    public static ClabNodeSettings Resolve(ClabTopology topology, ClabNodeSettings own)
    {
        var defaults = topology.Defaults ?? new ClabNodeSettings();
        var kind = Set(own.Kind) ?? Set(GroupOf(topology, own.Group)?.Kind) ?? Set(GroupOf(topology, defaults.Group)?.Kind) ?? Set(defaults.Kind);
        var kindLevel = kind is not null && topology.Kinds.TryGetValue(kind, out var k) ? k : null;
        var group = Set(own.Group) ?? Set(kindLevel?.Group) ?? Set(defaults.Group);
        var groupLevel = GroupOf(topology, group);

        // Most specific first.
        ClabNodeSettings?[] levels = [own, groupLevel, kindLevel, defaults];
        T? First<T>(Func<ClabNodeSettings, T?> get) where T : class => levels.Select(l => l is null ? null : get(l)).FirstOrDefault(v => v is not null && (v is not string s || s != ""));
        T? FirstValue<T>(Func<ClabNodeSettings, T?> get) where T : struct => levels.Select(l => l is null ? null : get(l)).FirstOrDefault(v => v.HasValue);
        List<string>? Merge(Func<ClabNodeSettings, List<string>?> get) => MergeLists(levels.AsEnumerable().Reverse().Select(l => l is null ? null : get(l)));
        Dictionary<string, string>? MergeMap(Func<ClabNodeSettings, Dictionary<string, string>?> get) => MergeMaps(levels.AsEnumerable().Reverse().Select(l => l is null ? null : get(l)));

        var e = new ClabNodeSettings
        {
            Kind = kind,
            Group = group,
            Type = First(l => l.Type)?.Trim(),
            Image = First(l => l.Image),
            ImagePullPolicy = First(l => l.ImagePullPolicy),
            StartupConfig = First(l => l.StartupConfig),
            StartupDelay = FirstValue(l => l.StartupDelay is 0 ? null : l.StartupDelay),
            License = First(l => l.License),
            Hostname = First(l => l.Hostname),
            Entrypoint = First(l => l.Entrypoint),
            Cmd = First(l => l.Cmd),
            User = First(l => l.User),
            Exec = Merge(l => l.Exec),
            Binds = ByContainerPath(Merge(l => l.Binds), BindDestination),
            Volumes = ByContainerPath(Merge(l => l.Volumes), VolumeDestination),
            Ports = First(l => l.Ports),
            EnvFiles = Merge(l => l.EnvFiles),
            Devices = Merge(l => l.Devices),
            CapAdd = Merge(l => l.CapAdd),
            Aliases = own.Aliases?.ToList(),
            Env = MergeMap(l => l.Env),
            Labels = MergeMap(l => l.Labels),
            Sysctls = MergeMap(l => l.Sysctls),
            MgmtIPv4 = First(l => l.MgmtIPv4),
            MgmtIPv6 = First(l => l.MgmtIPv6),
            NetworkMode = First(l => l.NetworkMode),
            RestartPolicy = First(l => l.RestartPolicy),
            Privileged = FirstValue(l => l.Privileged),
            AutoRemove = FirstValue(l => l.AutoRemove),
            Cpu = FirstValue(l => l.Cpu is 0 ? null : l.Cpu),
            CpuSet = First(l => l.CpuSet),
            Memory = First(l => l.Memory),
            ShmSize = First(l => l.ShmSize),
            PidMode = First(l => l.PidMode),
            Runtime = First(l => l.Runtime),
        };
        // dns is one value: the first level that has a dns mapping gives all three lists.
        var dnsLevel = levels.FirstOrDefault(l => l is not null && (l.Dns ?? l.DnsSearch ?? l.DnsOptions) is not null);
        e.Dns = dnsLevel?.Dns?.ToList();
        e.DnsSearch = dnsLevel?.DnsSearch?.ToList();
        e.DnsOptions = dnsLevel?.DnsOptions?.ToList();

        foreach (var key in levels.Where(l => l is not null).SelectMany(l => l!.Extra.Keys).Distinct().ToList())
        {
            var values = levels.Where(l => l is not null && l.Extra.ContainsKey(key)).Select(l => l!.Extra[key]).ToList();
            if (ExtraListKeys.Contains(key))
                e.Extra[key] = MergeLists(values.AsEnumerable().Reverse().Select(v => (v as IEnumerable<object?>)?.Select(x => x?.ToString() ?? "").ToList()))?.Cast<object?>().ToList();
            else if (ExtraMapKeys.Contains(key))
                e.Extra[key] = MergeMaps(values.AsEnumerable().Reverse().Select(v => (v as IDictionary<string, object?>)?.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "")))
                    ?.ToDictionary(p => p.Key, p => (object?)p.Value);
            else
                e.Extra[key] = values.FirstOrDefault(v => v is not null && (v is not string s || s != ""));
        }
        return e;
    }

    private static ClabNodeSettings? GroupOf(ClabTopology topology, string? group) =>
        string.IsNullOrEmpty(group) ? null : topology.Groups.GetValueOrDefault(group);

    private static string? Set(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Concatenates (least specific first) and keeps each string once, at its first position; null when all are null.</summary>
    public static List<string>? MergeLists(IEnumerable<List<string>?> lists)
    {
        List<string>? result = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in lists)
        {
            if (list is null) continue;
            result ??= [];
            foreach (var item in list) if (seen.Add(item)) result.Add(item);
        }
        return result;
    }

    /// <summary>Merges maps (least specific first, later wins per key); null when all are null.</summary>
    public static Dictionary<string, string>? MergeMaps(IEnumerable<Dictionary<string, string>?> maps)
    {
        Dictionary<string, string>? result = null;
        foreach (var map in maps)
        {
            if (map is null) continue;
            result ??= new(StringComparer.Ordinal);
            foreach (var (k, v) in map) result[k] = v;
        }
        return result;
    }

    /// <summary>Keeps the last entry per container path (the more specific level), sorted as containerlab returns them.</summary>
    private static List<string>? ByContainerPath(List<string>? entries, Func<string, string?> destination)
    {
        if (entries is null || entries.Count == 0) return null;
        var byDestination = new Dictionary<string, string>(StringComparer.Ordinal);
        // containerlab rebuilds each bind as src:dst[:mode], which is the text as written for every valid entry.
        foreach (var entry in entries) byDestination[destination(entry) ?? entry] = entry;
        var result = byDestination.Values.ToList();
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <summary>The container path of a bind (src:dst[:mode]); null when it is not a valid bind.</summary>
    public static string? BindDestination(string bind)
    {
        var parts = bind.Split(':');
        return parts.Length is 2 or 3 ? parts[1] : null;
    }

    /// <summary>The container path of a volume ([name:]dst[:mode]); null when invalid (e.g. a host path).</summary>
    public static string? VolumeDestination(string volume)
    {
        var parts = volume.Split(':');
        if (parts.Length == 1 && parts[0] != "") return parts[0];
        if (parts[0].StartsWith('/') || parts.Length is < 2 or > 3) return null;
        return parts[1];
    }
}
