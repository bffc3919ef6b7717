using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Kind;

namespace BgpLab.Kind;

/// <summary>
/// <para type="synopsis">Reads a kind cluster config file (kind.x-k8s.io/v1alpha4) strictly, as kind does.</para>
/// </summary>
/// <remarks>
/// <para type="description">An unknown field, a wrong type or a wrong kind/apiVersion is an error naming the file, line and column. The config is then validated with kind's rules and BgpLab's; problems are reported together. Warnings (e.g. disableDefaultCNI keeps nodes NotReady) are written as warnings.</para>
/// </remarks>
/// <example>
/// <code>Import-KindClusterConfig -Path ./cluster.yaml</code>
/// <para>Reads the scenario's cluster.yaml: 1 control-plane and 3 workers, default CNI disabled, Pod subnet 10.1.0.0/16.</para>
/// </example>
[Cmdlet(VerbsData.Import, "KindClusterConfig")]
[OutputType(typeof(KindClusterConfig))]
public sealed class ImportKindClusterConfigCommand : BgpLabCmdlet
{
    /// <summary>
    /// <para type="description">The kind config file(s).</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "ConfigPath")]
    public string[] Path { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var path in Path)
        {
            var full = GetUnresolvedProviderPathFromPSPath(path);
            if (!TryRun((_, _) =>
                {
                    var config = KindConfigYaml.ReadFile(full);
                    return Task.FromResult((config, KindConfigValidator.ThrowIfInvalid(config)));
                }, out var result)) continue;
            foreach (var warning in result.Item2.Warnings) WriteWarning($"{full}: {warning}");
            WriteObject(result.config);
        }
    }
}
