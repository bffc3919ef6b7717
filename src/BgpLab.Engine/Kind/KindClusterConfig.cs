namespace BgpLab.Engine.Kind;

/// <summary>
/// kind's v1alpha4 <c>Cluster</c> config (kind.x-k8s.io/v1alpha4), field for field as kind's own types
/// (shared/reference/kind/v1alpha4-types.go.txt). Read and written by <see cref="KindConfigYaml"/>.
/// </summary>
public sealed class KindClusterConfig
{
    public const string ApiVersion = "kind.x-k8s.io/v1alpha4";
    public const string KindName = "Cluster";

    /// <summary>Cluster name; kind's --name overrides it; kind's default is "kind".</summary>
    public string? Name { get; set; }
    public List<KindNodeConfig> Nodes { get; set; } = new();
    public KindNetworking Networking { get; set; } = new();
    public Dictionary<string, bool> FeatureGates { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> RuntimeConfig { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Cluster-wide kubeadm RFC 7386 merge patches (YAML documents as strings).</summary>
    public List<string> KubeadmConfigPatches { get; set; } = new();
    public List<KindPatchJson6902> KubeadmConfigPatchesJSON6902 { get; set; } = new();
    /// <summary>containerd config TOML merge patches, applied to every node.</summary>
    public List<string> ContainerdConfigPatches { get; set; } = new();
    public List<string> ContainerdConfigPatchesJSON6902 { get; set; } = new();

    /// <summary>The file it was read from (null when built with parameters): errors name it.</summary>
    public string? SourcePath { get; set; }

    /// <summary>The name kind will use: this config's, else kind's default.</summary>
    public string EffectiveName => string.IsNullOrEmpty(Name) ? "kind" : Name!;

    public KindClusterConfig Clone()
    {
        var yaml = KindConfigYaml.Write(this);
        var copy = KindConfigYaml.Read(yaml, SourcePath);
        copy.SourcePath = SourcePath;
        return copy;
    }

    public override string ToString() => $"{EffectiveName} ({Nodes.Count(n => n.Role == KindNodeConfig.ControlPlane)} control-plane, {Nodes.Count(n => n.Role == KindNodeConfig.Worker)} worker)";
}

/// <summary>One node of a kind cluster: a v1alpha4 <c>Node</c> plus the typed node IP BgpLab turns into a kubeadm patch.</summary>
public sealed class KindNodeConfig
{
    public const string ControlPlane = "control-plane";
    public const string Worker = "worker";

    public string Role { get; set; } = ControlPlane;
    public string? Image { get; set; }
    /// <summary>kind's nodes[].labels: rendered by kind into the kubelet's node-labels.</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);
    public List<KindMount> ExtraMounts { get; set; } = new();
    public List<KindPortMapping> ExtraPortMappings { get; set; } = new();
    public List<string> KubeadmConfigPatches { get; set; } = new();
    public List<KindPatchJson6902> KubeadmConfigPatchesJSON6902 { get; set; } = new();

    /// <summary>
    /// The kubelet node-ip. Not a kind field: written as a kubeadm kubeletExtraArgs patch
    /// (InitConfiguration on the first control-plane, JoinConfiguration elsewhere) when the config is rendered.
    /// </summary>
    public string? NodeIP { get; set; }

    /// <summary>Put <see cref="Labels"/> into the kubeadm node-labels patch instead of kind's labels field (the scenario's style).</summary>
    public bool LabelsInKubeadmPatch { get; set; }

    /// <summary>Line of the node in its source file (0 when built with parameters).</summary>
    public int SourceLine { get; set; }

    public override string ToString() => Role + (NodeIP is null ? "" : $" {NodeIP}");
}

public sealed class KindNetworking
{
    /// <summary>ipv4 (kind's default), ipv6 or dual.</summary>
    public string? IpFamily { get; set; }
    /// <summary>0 / null = random free host port; -1 = let docker choose.</summary>
    public int? ApiServerPort { get; set; }
    public string? ApiServerAddress { get; set; }
    public string? PodSubnet { get; set; }
    public string? ServiceSubnet { get; set; }
    public bool DisableDefaultCNI { get; set; }
    /// <summary>iptables (default), ipvs, nftables or none.</summary>
    public string? KubeProxyMode { get; set; }
    /// <summary>null = inherit the host's; empty list = none.</summary>
    public List<string>? DnsSearch { get; set; }
}

public sealed class KindMount
{
    public string? ContainerPath { get; set; }
    public string? HostPath { get; set; }
    public bool ReadOnly { get; set; }
    public bool SelinuxRelabel { get; set; }
    /// <summary>None, HostToContainer or Bidirectional.</summary>
    public string? Propagation { get; set; }
}

public sealed class KindPortMapping
{
    public int ContainerPort { get; set; }
    public int HostPort { get; set; }
    public string? ListenAddress { get; set; }
    /// <summary>TCP (default), UDP or SCTP.</summary>
    public string? Protocol { get; set; }
}

public sealed class KindPatchJson6902
{
    public string Group { get; set; } = "";
    public string Version { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Patch { get; set; } = "";
}
