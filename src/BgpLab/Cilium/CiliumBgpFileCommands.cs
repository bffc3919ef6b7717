using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Cilium;

namespace BgpLab.Cilium;

/// <summary>Reads CiliumBGPPeeringPolicy objects from a YAML file.</summary>
/// <remarks>
/// Reads every document of a kubectl-style YAML file as a cilium.io/v2alpha1 CiliumBGPPeeringPolicy, validating
/// each against Cilium's CRD schema (errors name the file, line and field path). Nothing is sent to a cluster.
/// </remarks>
/// <example>
/// <code>Import-CiliumBgpPeeringPolicy -Path ./cilium-bgp-peering-policies.yaml</code>
/// <para>The scenario's two policies, rack0 and rack1.</para>
/// </example>
[Cmdlet(VerbsData.Import, "CiliumBgpPeeringPolicy")]
[OutputType(typeof(CiliumBgpPeeringPolicy))]
public sealed class ImportCiliumBgpPeeringPolicyCommand : BgpLabCmdlet
{
    /// <summary><para type="description">The YAML file(s) to read.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PolicyPath")]
    public string[] Path { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (var p in Path)
        {
            var full = GetUnresolvedProviderPathFromPSPath(p);
            if (TryRun((_, _) => Task.FromResult(CiliumBgpPolicyFile.Read(full)), out var policies)) WriteObjects(policies!);
        }
    }
}

/// <summary>Writes CiliumBGPPeeringPolicy objects as YAML.</summary>
/// <remarks>
/// Writes the piped policies as one multi-document YAML (what kubectl apply -f accepts), to -Path or, without
/// it, to the pipeline as text. Each policy is validated against Cilium's CRD schema first.
/// </remarks>
/// <example>
/// <code>Import-CiliumBgpPeeringPolicy ./cilium-bgp-peering-policies.yaml | Export-CiliumBgpPeeringPolicy -Path ./copy.yaml</code>
/// <para>Round-trips the scenario's file.</para>
/// </example>
[Cmdlet(VerbsData.Export, "CiliumBgpPeeringPolicy", SupportsShouldProcess = true)]
[OutputType(typeof(string), typeof(System.IO.FileInfo))]
public sealed class ExportCiliumBgpPeeringPolicyCommand : BgpLabCmdlet
{
    /// <summary><para type="description">The policies to write.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public CiliumBgpPeeringPolicy[] InputObject { get; set; } = Array.Empty<CiliumBgpPeeringPolicy>();

    /// <summary><para type="description">The file to write; without it the YAML is written to the pipeline.</para></summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    /// <summary><para type="description">With -Path: also output the file written.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private readonly List<CiliumBgpPeeringPolicy> _policies = new();

    protected override void ProcessRecord()
    {
        foreach (var policy in InputObject)
        {
            try { CiliumBgpPeeringPolicy.Schema.EnsureValid(policy.ToJson(), $"CiliumBGPPeeringPolicy {policy.Name}"); }
            catch (Exception e) { throw Wrap(e); }
            _policies.Add(policy);
        }
    }

    protected override void EndProcessing()
    {
        var yaml = CiliumBgpPolicyFile.Write(_policies);
        if (Path is null) { WriteObject(yaml); return; }
        var full = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(full, $"Write {_policies.Count} CiliumBGPPeeringPolicy objects")) return;
        File.WriteAllText(full, yaml);
        if (PassThru) WriteObject(new FileInfo(full));
    }
}

/// <summary>Converts CiliumBGPPeeringPolicy objects to the BGP control plane v2 objects.</summary>
/// <remarks>
/// Turns each v1 peering policy into the equivalent v2 objects: a CiliumBGPClusterConfig (same node selector,
/// one BGP instance per virtual router, one peer per neighbor), a CiliumBGPPeerConfig per neighbor (port, timers,
/// graceful restart, multihop, auth, families) and CiliumBGPAdvertisements for what the router exported (Pod CIDR,
/// services, Pod IP pools, with path attributes), linked by a label the peer config families select.
/// </remarks>
/// <example>
/// <code>Import-CiliumBgpPeeringPolicy ./cilium-bgp-peering-policies.yaml | ConvertTo-CiliumBgpV2 -AsYaml</code>
/// <para>The scenario's policies as v2 YAML, ready for kubectl apply on Cilium 1.18+.</para>
/// </example>
[Cmdlet(VerbsData.ConvertTo, "CiliumBgpV2")]
[OutputType(typeof(CiliumBgpClusterConfig), typeof(CiliumBgpPeerConfig), typeof(CiliumBgpAdvertisement), typeof(string))]
public sealed class ConvertToCiliumBgpV2Command : BgpLabCmdlet
{
    /// <summary><para type="description">The v1 policies to convert.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public CiliumBgpPeeringPolicy[] InputObject { get; set; } = Array.Empty<CiliumBgpPeeringPolicy>();

    /// <summary><para type="description">Output one YAML text instead of the objects.</para></summary>
    [Parameter]
    public SwitchParameter AsYaml { get; set; }

    private readonly List<CiliumBgpPeeringPolicy> _policies = new();

    protected override void ProcessRecord() => _policies.AddRange(InputObject);

    protected override void EndProcessing()
    {
        var result = CiliumBgpV2Converter.Convert(_policies);
        foreach (var warning in result.Warnings) WriteWarning(warning);
        if (AsYaml) WriteObject(CiliumYaml.Write(result.All.Select(o => (System.Text.Json.Nodes.JsonNode?)o.ToJson())));
        else WriteObjects(result.All);
    }
}
