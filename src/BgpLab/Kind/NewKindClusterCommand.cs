using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Kind;

namespace BgpLab.Kind;

/// <summary>
/// <para type="synopsis">Creates a Kind cluster with the kind CLI and returns it (nodes, kubeconfig, context, API server).</para>
/// </summary>
/// <remarks>
/// <para type="description">The configuration comes from -Config (New-KindClusterConfig / Import-KindClusterConfig), -ConfigPath, or plain parameters. It is validated before kind runs; kind then gets it on stdin ('kind create cluster --config - --name … [--image …] [--wait …] [--kubeconfig …]'). kind's steps appear as progress, its errors as this cmdlet's errors with kind's own message. -WhatIf prints the exact config and command. A missing kind binary gives an error saying how to install it; -KindPath points at a specific one.</para>
/// </remarks>
/// <example>
/// <code>New-KindCluster -ConfigPath ./cluster.yaml</code>
/// <para>Creates the scenario's cluster clab-bgp-cplane-demo: four nodes, all NotReady until a CNI is installed.</para>
/// </example>
/// <example>
/// <code>New-KindCluster -Name demo -Workers 2 -DisableDefaultCni -WhatIf</code>
/// <para>Shows the YAML and the kind command line that would be run, without running it.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "KindCluster", SupportsShouldProcess = true, DefaultParameterSetName = ParametersSet)]
[OutputType(typeof(KindCluster))]
public sealed class NewKindClusterCommand : BgpLabCmdlet
{
    private const string ParametersSet = "Parameters";
    private const string ConfigSet = "Config";
    private const string PathSet = "ConfigPath";

    /// <summary>
    /// <para type="description">A cluster configuration object.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ConfigSet, ValueFromPipeline = true)]
    public KindClusterConfig Config { get; set; } = null!;

    /// <summary>
    /// <para type="description">A kind config file (kind.x-k8s.io/v1alpha4).</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    public string ConfigPath { get; set; } = null!;

    /// <summary>
    /// <para type="description">Cluster name (kind's --name; overrides the config's name).</para>
    /// </summary>
    [Parameter(Position = 0)]
    [ValidatePattern("^[a-z0-9.-]+$")]
    public string? Name { get; set; }

    /// <summary>
    /// <para type="description">Number of control-plane nodes (parameters only; default 1).</para>
    /// </summary>
    [Parameter(ParameterSetName = ParametersSet)]
    [ValidateRange(1, 9)]
    public int ControlPlanes { get; set; } = 1;

    /// <summary>
    /// <para type="description">Number of worker nodes (parameters only).</para>
    /// </summary>
    [Parameter(ParameterSetName = ParametersSet)]
    [ValidateRange(0, 99)]
    public int Workers { get; set; }

    /// <summary>
    /// <para type="description">Do not install kindnet (parameters only).</para>
    /// </summary>
    [Parameter(ParameterSetName = ParametersSet)]
    public SwitchParameter DisableDefaultCni { get; set; }

    /// <summary>
    /// <para type="description">Pod subnet (parameters only).</para>
    /// </summary>
    [Parameter(ParameterSetName = ParametersSet)]
    public string? PodSubnet { get; set; }

    /// <summary>
    /// <para type="description">Node image for every node (kind's --image).</para>
    /// </summary>
    [Parameter]
    public string? Image { get; set; }

    /// <summary>
    /// <para type="description">Seconds kind waits for the control-plane to be Ready (kind's --wait; 0 = do not wait). Without a CNI kind only warns.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public int Wait { get; set; }

    /// <summary>
    /// <para type="description">The kind executable (default: 'kind' on PATH).</para>
    /// </summary>
    [Parameter]
    public string? KindPath { get; set; }

    /// <summary>
    /// <para type="description">kubeconfig file kind merges the cluster's context into (default: KUBECONFIG, else ~/.kube/config).</para>
    /// </summary>
    [Parameter]
    public string? Kubeconfig { get; set; }

    /// <summary>
    /// <para type="description">Keep the node containers when creation fails (kind's --retain).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Retain { get; set; }

    protected override void ProcessRecord()
    {
        var config = ParameterSetName switch
        {
            ConfigSet => Config,
            PathSet => Run((_, _) => Task.FromResult(KindConfigYaml.ReadFile(GetUnresolvedProviderPathFromPSPath(ConfigPath)))),
            _ => Parameters(),
        };
        var options = new KindCreateOptions
        {
            Name = Name,
            Image = Image,
            Wait = Wait > 0 ? TimeSpan.FromSeconds(Wait) : null,
            Kubeconfig = Kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(Kubeconfig),
            Retain = Retain,
        };
        var effective = config.Clone();
        if (Name is not null) effective.Name = Name;
        var yaml = KindConfigYaml.Write(effective, KindRenderTarget.ForImage(Image));
        var kindName = KindPath is null ? "kind" : GetUnresolvedProviderPathFromPSPath(KindPath);
        var command = ArgvText.Join(new[] { kindName }.Concat(KindCli.CreateArgs(effective.EffectiveName, options.Image, options.Wait, options.Kubeconfig, Retain)));
        var description = $"Create Kind cluster '{effective.EffectiveName}' ({effective}) with:{Environment.NewLine}{command} <<'EOF'{Environment.NewLine}{yaml}EOF";
        if (!ShouldProcess(description, $"Create Kind cluster '{effective.EffectiveName}'?", "New-KindCluster")) return;
        var kindPath = KindPath is null ? null : GetUnresolvedProviderPathFromPSPath(KindPath);
        var cluster = Run((observer, ct) => KindClusters.CreateAsync(DockerEngine.Default, new KindCli(kindPath), config, options, observer, ct));
        WriteObject(cluster);
    }

    private KindClusterConfig Parameters()
    {
        var config = new KindClusterConfig
        {
            Networking = new KindNetworking { DisableDefaultCNI = DisableDefaultCni, PodSubnet = PodSubnet },
        };
        for (var i = 0; i < ControlPlanes; i++) config.Nodes.Add(new KindNodeConfig { Role = KindNodeConfig.ControlPlane });
        for (var i = 0; i < Workers; i++) config.Nodes.Add(new KindNodeConfig { Role = KindNodeConfig.Worker });
        return config;
    }
}
