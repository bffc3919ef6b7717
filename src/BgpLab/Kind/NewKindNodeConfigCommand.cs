using System.Collections;
using System.Management.Automation;
using System.Text.RegularExpressions;
using BgpLab.Common;
using BgpLab.Engine.Common;
using BgpLab.Engine.Kind;

namespace BgpLab.Kind;

/// <summary>
/// <para type="synopsis">Creates the configuration of one Kind node (role, image, node IP, labels, mounts, port mappings, kubeadm patches).</para>
/// </summary>
/// <remarks>
/// <para type="description">The node IP becomes a kubeadm kubeletExtraArgs patch (InitConfiguration for the first control-plane, JoinConfiguration for every other node, without apiVersion so every kind version from v0.20 to v0.32 accepts it and kind converts it for kubeadm v1beta4). Labels go to kind's labels: field, or with -LabelsInKubeadmPatch into the same patch as node-labels — never both, because a node-labels patch replaces kind's labels.</para>
/// </remarks>
/// <example>
/// <code>New-KindNodeConfig -Role worker -NodeIP 10.0.2.2 -Label @{ rack = 'rack0' }</code>
/// <para>A worker whose kubelet uses 10.0.2.2 as node IP and which carries the label rack=rack0.</para>
/// </example>
/// <example>
/// <code>New-KindNodeConfig -Role control-plane -ExtraPortMapping 8080:80 -ExtraMount /srv/data:/data:ro</code>
/// <para>A control-plane that publishes container port 80 on host port 8080 and mounts /srv/data read-only.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "KindNodeConfig")]
[OutputType(typeof(KindNodeConfig))]
public sealed partial class NewKindNodeConfigCommand : BgpLabCmdlet
{
    /// <summary>
    /// <para type="description">control-plane or worker.</para>
    /// </summary>
    [Parameter(Position = 0)]
    [ValidateSet(KindNodeConfig.ControlPlane, KindNodeConfig.Worker)]
    public string Role { get; set; } = KindNodeConfig.Worker;

    /// <summary>
    /// <para type="description">Node image (kindest/node:vX.Y.Z); kind's default when omitted.</para>
    /// </summary>
    [Parameter]
    public string? Image { get; set; }

    /// <summary>
    /// <para type="description">The kubelet's node-ip (the address Kubernetes reports as the node's InternalIP).</para>
    /// </summary>
    [Parameter]
    [Alias("NodeAddress")]
    public string? NodeIP { get; set; }

    /// <summary>
    /// <para type="description">Node labels, e.g. @{ rack = 'rack0' }.</para>
    /// </summary>
    [Parameter]
    [Alias("Labels")]
    public Hashtable? Label { get; set; }

    /// <summary>
    /// <para type="description">Write the labels as a kubeadm node-labels patch (as the scenario's cluster.yaml does) instead of kind's labels: field.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter LabelsInKubeadmPatch { get; set; }

    /// <summary>
    /// <para type="description">Bind mounts as hostPath:containerPath[:ro].</para>
    /// </summary>
    [Parameter]
    public string[]? ExtraMount { get; set; }

    /// <summary>
    /// <para type="description">Port mappings as [listenAddress:]hostPort:containerPort[/TCP|UDP|SCTP].</para>
    /// </summary>
    [Parameter]
    public string[]? ExtraPortMapping { get; set; }

    /// <summary>
    /// <para type="description">Further kubeadm merge patches for this node (YAML text, each with its kind:).</para>
    /// </summary>
    [Parameter]
    public string[]? KubeadmConfigPatch { get; set; }

    protected override void ProcessRecord()
    {
        var node = new KindNodeConfig
        {
            Role = Role,
            Image = Image,
            NodeIP = NodeIP,
            Labels = Hashtables.ToStrings(Label),
            LabelsInKubeadmPatch = LabelsInKubeadmPatch,
            KubeadmConfigPatches = KubeadmConfigPatch?.ToList() ?? new List<string>(),
        };
        foreach (var mount in ExtraMount ?? [])
        {
            var parts = mount.Split(':');
            if (parts.Length is < 2 or > 3 || (parts.Length == 3 && parts[2] is not ("ro" or "rw")))
                ThrowTerminating(new BgpLabException($"-ExtraMount '{mount}' is not hostPath:containerPath[:ro].", "KindMountInvalid", FailureKind.InvalidArgument, mount));
            node.ExtraMounts.Add(new KindMount { HostPath = GetUnresolvedProviderPathFromPSPath(parts[0]), ContainerPath = parts[1], ReadOnly = parts.Length == 3 && parts[2] == "ro" });
        }
        foreach (var mapping in ExtraPortMapping ?? [])
        {
            var m = PortMapping().Match(mapping);
            if (!m.Success)
                ThrowTerminating(new BgpLabException($"-ExtraPortMapping '{mapping}' is not [listenAddress:]hostPort:containerPort[/protocol].", "KindPortMappingInvalid", FailureKind.InvalidArgument, mapping));
            node.ExtraPortMappings.Add(new KindPortMapping
            {
                ListenAddress = m.Groups["addr"].Success ? m.Groups["addr"].Value : null,
                HostPort = int.Parse(m.Groups["host"].Value),
                ContainerPort = int.Parse(m.Groups["container"].Value),
                Protocol = m.Groups["proto"].Success ? m.Groups["proto"].Value.ToUpperInvariant() : null,
            });
        }
        WriteObject(node);
    }

    [GeneratedRegex(@"^(?:(?<addr>[0-9a-fA-F.:]+):)?(?<host>-?\d+):(?<container>\d+)(?:/(?<proto>tcp|udp|sctp|TCP|UDP|SCTP))?$")]
    private static partial Regex PortMapping();
}
