namespace BgpLab.Engine.Clab;

/// <summary>A place in a topology file (1-based line and column), for findings and errors.</summary>
public sealed record SourcePosition(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>
/// A Containerlab topology as containerlab understands it: the raw levels (defaults, kinds, groups) and,
/// per node, the effective settings after inheritance. Built by <c>ClabTopologyLoader</c> from a file or
/// in memory by the New-Clab* cmdlets; written back by <c>ClabTopologyWriter</c>.
/// </summary>
public sealed class ClabTopology
{
    public const string DefaultPrefix = "clab";

    public required string Name { get; set; }

    /// <summary>The <c>prefix</c> key as written: null when absent (containerlab then uses "clab"),
    /// "" for bare node names, "__lab-name" for "&lt;lab&gt;-&lt;node&gt;".</summary>
    public string? Prefix { get; set; }

    public ClabMgmt Mgmt { get; set; } = new();

    /// <summary>topology.defaults, as written (not merged).</summary>
    public ClabNodeSettings? Defaults { get; set; }

    /// <summary>topology.kinds, as written.</summary>
    public Dictionary<string, ClabNodeSettings> Kinds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>topology.groups, as written.</summary>
    public Dictionary<string, ClabNodeSettings> Groups { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The nodes in file order, each with its own and its effective settings.</summary>
    public List<ClabNode> Nodes { get; set; } = new();

    public List<ClabLinkDefinition> Links { get; set; } = new();

    /// <summary>Absolute path of the file it was loaded from (null when built in memory).</summary>
    public string? Path { get; set; }

    /// <summary>Keys of the file this model does not type (e.g. settings, debug), kept so export round-trips.</summary>
    public Dictionary<string, object?> Extra { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The container name prefix containerlab puts before each node name ("" for none).</summary>
    public string ContainerNamePrefix => Prefix switch
    {
        null => $"{DefaultPrefix}-{Name}-",
        "" => "",
        "__lab-name" => $"{Name}-",
        _ => $"{Prefix}-{Name}-",
    };

    /// <summary>The container name containerlab gives a node (ext-container nodes keep their own name).</summary>
    public string ContainerNameOf(string nodeName)
    {
        var node = Nodes.FirstOrDefault(n => n.Name == nodeName);
        return node is not null && node.Effective.Kind == "ext-container" ? nodeName : ContainerNamePrefix + nodeName;
    }

    /// <summary>The lab directory: clab-&lt;lab&gt; beside the file, or under $CLAB_LABDIR_BASE (prefix does not change it).</summary>
    public string LabDirectory
    {
        get
        {
            var baseDir = Environment.GetEnvironmentVariable("CLAB_LABDIR_BASE");
            if (string.IsNullOrEmpty(baseDir)) baseDir = TopologyDirectory;
            return System.IO.Path.Combine(baseDir, "clab-" + Name);
        }
    }

    /// <summary>The folder of the topology file (the current folder for a topology built in memory).</summary>
    public string TopologyDirectory =>
        Path is null ? Directory.GetCurrentDirectory() : System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;

    /// <summary>A path from the file as containerlab reads it: <c>~</c> is the home folder, relative paths start at the topology's folder.</summary>
    public string ResolvePath(string path)
    {
        if (path.StartsWith('~')) path = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..];
        return System.IO.Path.GetFullPath(path, TopologyDirectory);
    }

    public ClabNode? FindNode(string name) => Nodes.FirstOrDefault(n => n.Name == name);
}

/// <summary>The <c>mgmt</c> section (containerlab's MgmtNet); unset members take containerlab's defaults at deploy.</summary>
public sealed class ClabMgmt
{
    public const string DefaultNetwork = "clab";
    public const string DefaultIPv4Subnet = "172.20.20.0/24";
    public const string DefaultIPv6Subnet = "3fff:172:20:20::/64";

    public string? Network { get; set; }
    public string? Bridge { get; set; }
    public string? IPv4Subnet { get; set; }
    public string? IPv6Subnet { get; set; }
    public string? IPv4Gateway { get; set; }
    public string? IPv6Gateway { get; set; }
    public string? IPv4Range { get; set; }
    public string? IPv6Range { get; set; }
    public int? Mtu { get; set; }
    public bool? ExternalAccess { get; set; }
    public bool? SkipWhenUnused { get; set; }
    public Dictionary<string, string>? DriverOptions { get; set; }

    public string EffectiveNetwork => string.IsNullOrEmpty(Network) ? DefaultNetwork : Network;

    /// <summary>Both default subnets apply only when neither is given (containerlab's rule).</summary>
    public string? EffectiveIPv4Subnet => IPv4Subnet ?? (IPv6Subnet is null ? DefaultIPv4Subnet : null);
    public string? EffectiveIPv6Subnet => IPv6Subnet ?? (IPv4Subnet is null ? DefaultIPv6Subnet : null);
}

/// <summary>A node: its name, what the file said for it, and the effective settings after inheritance.</summary>
public sealed class ClabNode
{
    public required string Name { get; init; }

    /// <summary>The node's own settings as written.</summary>
    public ClabNodeSettings Own { get; set; } = new();

    /// <summary>Settings after defaults → kind → group → node inheritance (containerlab's rules).</summary>
    public ClabNodeSettings Effective { get; set; } = new();

    /// <summary>Where the node's key is in the file (null when built in memory).</summary>
    public SourcePosition? Position { get; set; }

    /// <summary>Where each of the node's own keys is in the file (empty when built in memory).</summary>
    public Dictionary<string, SourcePosition> KeyPositions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The node's container name (set by the loader and builders; see <see cref="ClabTopology.ContainerNameOf"/>).</summary>
    public string? ContainerName { get; set; }

    public string? Group => Effective.Group;
    public string? Cmd => Effective.Cmd;

    public string Kind => Effective.Kind ?? "";
    public string? Image => Effective.Image;
    public string? NetworkMode => Effective.NetworkMode;

    /// <summary>The x of <c>network-mode: container:x</c>, else null.</summary>
    public string? NetworkModeContainer =>
        NetworkMode is { } m && m.StartsWith("container:", StringComparison.Ordinal) ? m["container:".Length..] : null;
}

/// <summary>
/// One level of node configuration (a node, a group, a kind or the defaults): containerlab's node-config.
/// Null means "not set at this level". Keys this model does not type are kept in <see cref="Extra"/>.
/// </summary>
public sealed class ClabNodeSettings
{
    public string? Kind { get; set; }
    public string? Group { get; set; }
    public string? Type { get; set; }
    public string? Image { get; set; }
    public string? ImagePullPolicy { get; set; }
    public string? StartupConfig { get; set; }
    public int? StartupDelay { get; set; }
    public string? License { get; set; }
    public string? Hostname { get; set; }
    public string? Entrypoint { get; set; }
    public string? Cmd { get; set; }
    public string? User { get; set; }
    public List<string>? Exec { get; set; }
    public List<string>? Binds { get; set; }
    public List<string>? Ports { get; set; }
    public List<string>? EnvFiles { get; set; }
    public List<string>? Devices { get; set; }
    public List<string>? CapAdd { get; set; }
    public List<string>? Volumes { get; set; }
    /// <summary><c>dns.servers</c> (containerlab's dns is a mapping of servers, search and options).</summary>
    public List<string>? Dns { get; set; }
    /// <summary><c>dns.search</c>.</summary>
    public List<string>? DnsSearch { get; set; }
    /// <summary><c>dns.options</c>.</summary>
    public List<string>? DnsOptions { get; set; }
    public List<string>? Aliases { get; set; }
    public Dictionary<string, string>? Env { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public Dictionary<string, string>? Sysctls { get; set; }
    public string? MgmtIPv4 { get; set; }
    public string? MgmtIPv6 { get; set; }
    public string? NetworkMode { get; set; }
    public string? RestartPolicy { get; set; }
    public bool? Privileged { get; set; }
    public bool? AutoRemove { get; set; }
    public double? Cpu { get; set; }
    public string? CpuSet { get; set; }
    public string? Memory { get; set; }
    public string? ShmSize { get; set; }
    public string? PidMode { get; set; }
    public string? Runtime { get; set; }

    /// <summary>Other node-config keys (stages, healthcheck, certificate, ...), as plain YAML values.</summary>
    public Dictionary<string, object?> Extra { get; set; } = new(StringComparer.Ordinal);

    public ClabNodeSettings Clone()
    {
        var copy = (ClabNodeSettings)MemberwiseClone();
        copy.Exec = Exec?.ToList(); copy.Binds = Binds?.ToList(); copy.Ports = Ports?.ToList();
        copy.EnvFiles = EnvFiles?.ToList(); copy.Devices = Devices?.ToList(); copy.CapAdd = CapAdd?.ToList();
        copy.Volumes = Volumes?.ToList(); copy.Dns = Dns?.ToList();
        copy.DnsSearch = DnsSearch?.ToList(); copy.DnsOptions = DnsOptions?.ToList(); copy.Aliases = Aliases?.ToList();
        copy.Env = Env is null ? null : new(Env); copy.Labels = Labels is null ? null : new(Labels);
        copy.Sysctls = Sysctls is null ? null : new(Sysctls);
        copy.Extra = new(Extra, StringComparer.Ordinal);
        return copy;
    }
}

/// <summary>A link as written: brief (<c>endpoints: ["a:e1","b:e1"]</c>) or extended (<c>type: veth</c>, ...).</summary>
public sealed class ClabLinkDefinition
{
    /// <summary>null for the brief form; else veth, host, mgmt-net, macvlan, vxlan, dummy, ...</summary>
    public string? Type { get; set; }

    public List<ClabEndpoint> Endpoints { get; set; } = new();
    public int? Mtu { get; set; }
    public Dictionary<string, object?>? Vars { get; set; }
    public Dictionary<string, string>? Labels { get; set; }

    /// <summary>Brief-form per-endpoint addresses (ordered like the endpoints; "" skips one).</summary>
    public List<string>? IPv4 { get; set; }
    public List<string>? IPv6 { get; set; }

    /// <summary>Other keys of the extended forms (host-interface, remote, vni, ...).</summary>
    public Dictionary<string, object?> Extra { get; set; } = new(StringComparer.Ordinal);

    public SourcePosition? Position { get; set; }

    public bool IsBrief => Type is null;

    public override string ToString() => string.Join(" <-> ", Endpoints);
}

/// <summary>One end of a link: a node and the interface name inside it.</summary>
public sealed class ClabEndpoint
{
    public required string Node { get; set; }
    public required string Interface { get; set; }
    public string? Mac { get; set; }
    public string? IPv4 { get; set; }
    public string? IPv6 { get; set; }
    public Dictionary<string, object?>? Vars { get; set; }
    public SourcePosition? Position { get; set; }

    public override string ToString() => $"{Node}:{Interface}";
}
