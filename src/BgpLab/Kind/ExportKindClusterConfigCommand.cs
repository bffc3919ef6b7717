using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Common;
using BgpLab.Engine.Kind;

namespace BgpLab.Kind;

/// <summary>
/// <para type="synopsis">Writes a Kind cluster configuration as kind v1alpha4 YAML (to a file, or as text).</para>
/// </summary>
/// <remarks>
/// <para type="description">Typed node IPs and labels are rendered into what kind and kubeadm accept: kind's labels: field or one kubeadm kubeletExtraArgs patch per node (InitConfiguration for the first control-plane, JoinConfiguration otherwise, without apiVersion). With -KubernetesVersion 1.36 or later (kubeadm v1beta4) generated patches use the name/value list form. Without -Path the YAML is returned as a string.</para>
/// </remarks>
/// <example>
/// <code>Import-KindClusterConfig ./cluster.yaml | Export-KindClusterConfig -Path ./copy.yaml</code>
/// <para>Round-trips the scenario's config into an equivalent file.</para>
/// </example>
/// <example>
/// <code>New-KindClusterConfig demo -Workers 2 | Export-KindClusterConfig</code>
/// <para>Prints the YAML of a 1+2 node cluster.</para>
/// </example>
[Cmdlet(VerbsData.Export, "KindClusterConfig", SupportsShouldProcess = true)]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class ExportKindClusterConfigCommand : BgpLabCmdlet
{
    /// <summary>
    /// <para type="description">The configuration to write.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public KindClusterConfig Config { get; set; } = null!;

    /// <summary>
    /// <para type="description">File to write; without it the YAML is written to the pipeline.</para>
    /// </summary>
    [Parameter(Position = 1)]
    public string? Path { get; set; }

    /// <summary>
    /// <para type="description">The Kubernetes version of the node image, when known (decides the kubeadm API of generated patches).</para>
    /// </summary>
    [Parameter]
    public Version? KubernetesVersion { get; set; }

    /// <summary>
    /// <para type="description">Overwrite an existing file.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// <para type="description">Return the written file.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var yaml = KindConfigYaml.Write(Config, KubernetesVersion is null ? KindRenderTarget.Portable : new KindRenderTarget(KubernetesVersion));
        if (Path is null)
        {
            WriteObject(yaml);
            return;
        }
        var full = GetUnresolvedProviderPathFromPSPath(Path);
        if (File.Exists(full) && !Force)
            ThrowTerminating(new BgpLabException($"'{full}' already exists.", "KindConfigFileExists", FailureKind.ResourceExists, full) { RecommendedAction = "Use -Force to overwrite it." });
        if (!ShouldProcess(full, "Write kind cluster config")) return;
        File.WriteAllText(full, yaml);
        if (PassThru) WriteObject(new FileInfo(full));
    }
}
