namespace BgpLab.Engine.Clab;

/// <summary>A deployed lab as the Docker engine shows it: its node containers, links and lab directory.</summary>
public sealed class ClabLab
{
    public required string Name { get; init; }

    /// <summary>The topology file the lab was deployed from (label clab-topo-file).</summary>
    public string? TopologyFile { get; init; }

    /// <summary>The lab directory (clab-&lt;name&gt;/).</summary>
    public string? LabDirectory { get; init; }

    public string? Owner { get; init; }

    /// <summary>The management network's name (clab unless the topology says otherwise).</summary>
    public string? MgmtNetwork { get; init; }

    public IReadOnlyList<ClabLabNode> Nodes { get; init; } = [];

    public IReadOnlyList<ClabLink> Links { get; init; } = [];

    /// <summary>Every exec command of the deploy that produced this object, in node order (empty otherwise).</summary>
    public IReadOnlyList<ClabNodeCommandResult> ExecResults { get; init; } = [];

    /// <summary>True when a deploy found the lab already running and left it unchanged.</summary>
    public bool AlreadyDeployed { get; init; }

    /// <summary>How long the deploy took (null when the object comes from inspection).</summary>
    public TimeSpan? DeployDuration { get; init; }

    /// <summary>Time spent creating veth pairs over netlink, summed over links (null when from inspection).</summary>
    public TimeSpan? LinkWiringDuration { get; init; }

    public int NodeCount => Nodes.Count;
    public int LinkCount => Links.Count;

    /// <summary>The same as <see cref="Name"/>, so a lab pipes into -Lab parameters by property name.</summary>
    public string Lab => Name;

    /// <summary>running when every node runs, else the distinct states.</summary>
    public string State => Nodes.Count == 0 ? "absent" : string.Join(",", Nodes.Select(n => n.State).Distinct());

    public override string ToString() => Name;
}

/// <summary>A node of a deployed lab: its container and how it is attached.</summary>
public sealed class ClabLabNode
{
    public required string Lab { get; init; }
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public string? Image { get; init; }
    public string? ContainerId { get; init; }
    public required string ContainerName { get; init; }
    public required string State { get; init; }
    public string? Status { get; init; }

    /// <summary>Management IPv4 address with prefix length (e.g. 172.20.20.2/24), null in container network mode.</summary>
    public string? MgmtIPv4 { get; init; }
    public string? MgmtIPv6 { get; init; }

    /// <summary>The container's network mode: the mgmt network's name, host, none, or container:&lt;name&gt;.</summary>
    public string? NetworkMode { get; init; }

    public string? Group { get; init; }
    public string? Owner { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>The node's exec commands of the deploy that produced this object.</summary>
    public IReadOnlyList<ClabNodeCommandResult> Exec { get; init; } = [];

    public override string ToString() => ContainerName;
}

/// <summary>A point-to-point link of a lab: two node:interface endpoints and the MTU.</summary>
public sealed class ClabLink
{
    public required string Lab { get; init; }
    public required string ANode { get; init; }
    public required string AInterface { get; init; }
    public required string ZNode { get; init; }
    public required string ZInterface { get; init; }
    public int Mtu { get; init; }
    public string? AMac { get; init; }
    public string? ZMac { get; init; }

    public string A => $"{ANode}:{AInterface}";
    public string Z => $"{ZNode}:{ZInterface}";

    public override string ToString() => $"{A} <-> {Z}";
}

/// <summary>One command run in a lab node (an exec of the topology or Invoke-ClabNodeCommand).</summary>
public sealed class ClabNodeCommandResult
{
    public required string Lab { get; init; }
    public required string Node { get; init; }
    public required string Container { get; init; }
    public required IReadOnlyList<string> Command { get; init; }
    public required long ExitCode { get; init; }
    public required string Stdout { get; init; }
    public required string Stderr { get; init; }
    public required TimeSpan Duration { get; init; }
    public bool Succeeded => ExitCode == 0;
    public string CommandLine => Docker.ArgvText.Join(Command);

    /// <summary>An engine exec result, attributed to its lab and node.</summary>
    public static ClabNodeCommandResult From(string lab, string node, Docker.ExecResult r) => new()
    {
        Lab = lab, Node = node, Container = r.Container, Command = r.Command, ExitCode = r.ExitCode, Stdout = r.Stdout, Stderr = r.Stderr, Duration = r.Duration,
    };

    public override string ToString() => $"{Node}: {CommandLine} (exit {ExitCode})";
}
