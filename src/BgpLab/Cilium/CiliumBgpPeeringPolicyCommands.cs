using System.Collections;
using System.Management.Automation;
using BgpLab.Engine.Cilium;
using BgpLab.Engine.Common;
using BgpLab.Engine.Kube;
using BgpLab.Kube;

namespace BgpLab.Cilium;

/// <summary>Shared by the peering policy cmdlets: validate, check the cluster serves v1, apply, read back.</summary>
internal static class PeeringPolicyCalls
{
    public static async Task<CiliumBgpPeeringPolicy> ApplyAsync(KubeConnection connection, CiliumBgpPeeringPolicy policy, CancellationToken ct)
    {
        await CiliumBgpApi.EnsureServedAsync(connection, CiliumBgpPeeringPolicy.KindName, ct).ConfigureAwait(false);
        var stored = await CiliumBgpApi.ApplyAsync(connection, policy, ct).ConfigureAwait(false);
        var result = CiliumBgpPeeringPolicy.FromJson(stored);
        result.Context = connection.Context;
        result.KubeconfigPath = connection.KubeconfigPath;
        return result;
    }

    public static async Task<CiliumBgpPeeringPolicy?> GetAsync(KubeConnection connection, string name, CancellationToken ct)
    {
        var json = await CiliumBgpApi.GetAsync(connection, CiliumBgpPeeringPolicy.ApiVersion, CiliumBgpPeeringPolicy.Plural, name, ct).ConfigureAwait(false);
        if (json is null) return null;
        var policy = CiliumBgpPeeringPolicy.FromJson(json);
        policy.Context = connection.Context;
        policy.KubeconfigPath = connection.KubeconfigPath;
        return policy;
    }

    public static void EnsureValid(CiliumBgpPeeringPolicy policy) =>
        CiliumBgpPeeringPolicy.Schema.EnsureValid(policy.ToJson(), $"CiliumBGPPeeringPolicy {policy.Name}");
}

/// <summary>Creates a CiliumBGPPeeringPolicy in the cluster (server-side apply).</summary>
/// <remarks>
/// Builds a cilium.io/v2alpha1 CiliumBGPPeeringPolicy from the node selector and virtual routers, validates it
/// against Cilium's CRD schema (errors name each field path, e.g. spec.virtualRouters[0].localASN), checks that
/// the cluster serves the v1 BGP API (a clear error names the v2 cmdlets otherwise), and creates it with
/// server-side apply. An existing policy of that name is an error: use Set-CiliumBgpPeeringPolicy to change it.
/// </remarks>
/// <example>
/// <code>New-CiliumBgpPeeringPolicy -Name rack0 -NodeSelector @{rack='rack0'} -VirtualRouter (New-CiliumBgpVirtualRouter -LocalAsn 65010 -ExportPodCidr -Neighbor (New-CiliumBgpNeighbor -PeerAddress 10.0.0.1/32 -PeerAsn 65010))</code>
/// <para>The scenario's rack0 policy: rack0's nodes peer with tor0 (10.0.0.1) in AS 65010 and export their Pod CIDRs.</para>
/// </example>
[Cmdlet(VerbsCommon.New, "CiliumBgpPeeringPolicy", SupportsShouldProcess = true)]
[OutputType(typeof(CiliumBgpPeeringPolicy))]
public sealed class NewCiliumBgpPeeringPolicyCommand : KubeCmdlet
{
    /// <summary><para type="description">metadata.name of the policy.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary><para type="description">nodeSelector as matchLabels (@{rack='rack0'}); omitted = all nodes.</para></summary>
    [Parameter]
    public Hashtable? NodeSelector { get; set; }

    /// <summary><para type="description">The virtual routers (New-CiliumBgpVirtualRouter).</para></summary>
    [Parameter(Mandatory = true)]
    public CiliumBgpVirtualRouter[] VirtualRouter { get; set; } = Array.Empty<CiliumBgpVirtualRouter>();

    /// <summary><para type="description">Output the policy as stored by the API server.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var policy = new CiliumBgpPeeringPolicy { Name = Name, NodeSelector = CiliumParameters.Selector(NodeSelector), VirtualRouters = VirtualRouter.ToList() };
        Run((_, _) => { PeeringPolicyCalls.EnsureValid(policy); return Task.CompletedTask; });
        if (!ShouldProcess($"CiliumBGPPeeringPolicy {Name}:{Environment.NewLine}{CiliumBgpPolicyFile.Write(new[] { policy })}", "Create")) return;
        var connection = Connection;
        var stored = Run(async (_, ct) =>
        {
            if (await PeeringPolicyCalls.GetAsync(connection, Name, ct).ConfigureAwait(false) is not null)
                throw new BgpLabException($"CiliumBGPPeeringPolicy {Name} already exists (context {connection.Context}).", "CiliumPolicyExists", FailureKind.ResourceExists, Name)
                { RecommendedAction = "Use Set-CiliumBgpPeeringPolicy to change it, or Remove-CiliumBgpPeeringPolicy first." };
            return await PeeringPolicyCalls.ApplyAsync(connection, policy, ct).ConfigureAwait(false);
        });
        if (PassThru) WriteObject(stored);
    }
}

/// <summary>Gets CiliumBGPPeeringPolicy objects from the cluster.</summary>
/// <remarks>Lists the cluster's cilium.io/v2alpha1 CiliumBGPPeeringPolicy objects, optionally filtered by name (wildcards allowed).</remarks>
/// <example>
/// <code>Get-CiliumBgpPeeringPolicy -Context kind-clab-bgp-cplane-demo</code>
/// <para>The policies rack0 and rack1 with their node selectors, ASNs and neighbors.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "CiliumBgpPeeringPolicy")]
[OutputType(typeof(CiliumBgpPeeringPolicy))]
public sealed class GetCiliumBgpPeeringPolicyCommand : KubeCmdlet
{
    /// <summary><para type="description">Policy names; wildcards allowed. Default: all.</para></summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(CiliumBgpPeeringPolicyNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        var connection = Connection;
        var all = Run(async (_, ct) =>
        {
            await CiliumBgpApi.EnsureServedAsync(connection, CiliumBgpPeeringPolicy.KindName, ct).ConfigureAwait(false);
            return await CiliumBgpApi.ListAsync(connection, CiliumBgpPeeringPolicy.ApiVersion, CiliumBgpPeeringPolicy.Plural, ct).ConfigureAwait(false);
        });
        var patterns = (Name ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        var matched = new HashSet<string>();
        foreach (var json in all.OrderBy(j => j["metadata"]?["name"]?.ToString(), StringComparer.Ordinal))
        {
            var policy = CiliumBgpPeeringPolicy.FromJson(json);
            policy.Context = connection.Context;
            policy.KubeconfigPath = connection.KubeconfigPath;
            var hit = patterns.Where(p => p.IsMatch(policy.Name)).ToList();
            if (hit.Count == 0) continue;
            matched.Add(policy.Name);
            WriteObject(policy);
        }
        foreach (var name in Name ?? Array.Empty<string>())
        {
            if (!WildcardPattern.ContainsWildcardCharacters(name) && !matched.Contains(name))
                WriteError(ToErrorRecord(new BgpLabException($"CiliumBGPPeeringPolicy {name} was not found (context {connection.Context}).", "CiliumPolicyNotFound", FailureKind.ObjectNotFound, name)));
        }
    }
}

/// <summary>Creates or changes CiliumBGPPeeringPolicy objects (server-side apply).</summary>
/// <remarks>
/// Applies piped policies (from Import-CiliumBgpPeeringPolicy or Get-CiliumBgpPeeringPolicy) as they are, or
/// changes the named policy's node selector and/or virtual routers. Validated against Cilium's CRD schema first.
/// </remarks>
/// <example>
/// <code>Import-CiliumBgpPeeringPolicy ./cilium-bgp-peering-policies.yaml | Set-CiliumBgpPeeringPolicy -PassThru</code>
/// <para>Applies the scenario's file, like kubectl apply -f.</para>
/// </example>
/// <example>
/// <code>Set-CiliumBgpPeeringPolicy -Name rack1 -VirtualRouter (New-CiliumBgpVirtualRouter -LocalAsn 65011 -ExportPodCidr -Neighbor (New-CiliumBgpNeighbor 10.0.0.2/32 65011 -HoldTimeSeconds 9))</code>
/// <para>Replaces rack1's virtual routers, keeping its node selector.</para>
/// </example>
[Cmdlet(VerbsCommon.Set, "CiliumBgpPeeringPolicy", SupportsShouldProcess = true, DefaultParameterSetName = "Object")]
[OutputType(typeof(CiliumBgpPeeringPolicy))]
public sealed class SetCiliumBgpPeeringPolicyCommand : KubeCmdlet
{
    /// <summary><para type="description">Policies to apply as they are.</para></summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Object")]
    public CiliumBgpPeeringPolicy[] InputObject { get; set; } = Array.Empty<CiliumBgpPeeringPolicy>();

    /// <summary><para type="description">The policy to change (created when missing).</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Name")]
    [ArgumentCompleter(typeof(CiliumBgpPeeringPolicyNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary><para type="description">New nodeSelector as matchLabels.</para></summary>
    [Parameter(ParameterSetName = "Name")]
    public Hashtable? NodeSelector { get; set; }

    /// <summary><para type="description">New virtual routers.</para></summary>
    [Parameter(ParameterSetName = "Name")]
    public CiliumBgpVirtualRouter[]? VirtualRouter { get; set; }

    /// <summary><para type="description">Output the policy as stored by the API server.</para></summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var connection = Connection;
        var policies = ParameterSetName == "Object" ? InputObject.ToList() : new List<CiliumBgpPeeringPolicy> { Changed(connection) };
        foreach (var policy in policies)
        {
            if (!TryRun((_, _) => { PeeringPolicyCalls.EnsureValid(policy); return Task.FromResult(true); }, out _)) continue;
            if (!ShouldProcess($"CiliumBGPPeeringPolicy {policy.Name}:{Environment.NewLine}{CiliumBgpPolicyFile.Write(new[] { policy })}", "Apply")) continue;
            if (TryRun((_, ct) => PeeringPolicyCalls.ApplyAsync(connection, policy, ct), out var stored) && PassThru) WriteObject(stored);
        }
    }

    private CiliumBgpPeeringPolicy Changed(KubeConnection connection)
    {
        var existing = Run((_, ct) => PeeringPolicyCalls.GetAsync(connection, Name, ct));
        var policy = existing ?? new CiliumBgpPeeringPolicy { Name = Name };
        if (existing is null && VirtualRouter is null)
            throw Wrap(new BgpLabException($"CiliumBGPPeeringPolicy {Name} does not exist; give -VirtualRouter to create it.", "CiliumPolicyNotFound", FailureKind.ObjectNotFound, Name));
        if (NodeSelector is not null) policy.NodeSelector = CiliumParameters.Selector(NodeSelector);
        if (VirtualRouter is not null) policy.VirtualRouters = VirtualRouter.ToList();
        return policy;
    }
}

/// <summary>Deletes CiliumBGPPeeringPolicy objects from the cluster.</summary>
/// <remarks>Deletes the named policies; a name that does not exist is a non-terminating error.</remarks>
/// <example>
/// <code>Get-CiliumBgpPeeringPolicy rack* | Remove-CiliumBgpPeeringPolicy</code>
/// <para>Deletes both scenario policies; their BGP sessions go down.</para>
/// </example>
[Cmdlet(VerbsCommon.Remove, "CiliumBgpPeeringPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveCiliumBgpPeeringPolicyCommand : KubeCmdlet
{
    /// <summary><para type="description">Names of the policies to delete.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(CiliumBgpPeeringPolicyNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        var connection = Connection;
        foreach (var name in Name)
        {
            if (!ShouldProcess($"CiliumBGPPeeringPolicy {name} ({connection.Context})", "Delete")) continue;
            if (TryRun((_, ct) => CiliumBgpApi.DeleteAsync(connection, CiliumBgpPeeringPolicy.ApiVersion, CiliumBgpPeeringPolicy.Plural, name, ct), out var deleted) && !deleted)
                WriteError(ToErrorRecord(new BgpLabException($"CiliumBGPPeeringPolicy {name} was not found (context {connection.Context}).", "CiliumPolicyNotFound", FailureKind.ObjectNotFound, name)));
        }
    }
}
