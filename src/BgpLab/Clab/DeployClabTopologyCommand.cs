using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Clab;

namespace BgpLab.Clab;

/// <summary>Deploys a Containerlab topology (linux and ext-container nodes) natively on the Docker engine.</summary>
/// <remarks>
/// Creates the management network (clab, 172.20.20.0/24 and 3fff:172:20:20::/64 unless mgmt: says otherwise;
/// an existing one is reused), one container per node exactly as containerlab creates linux nodes (name
/// clab-&lt;lab&gt;-&lt;node&gt;, containerlab's labels, TTY, restart policy always, IPv6 enabled), wires every link as
/// a veth pair (MTU 9500 unless the link says otherwise), runs each node's exec commands after its links exist
/// and writes the lab directory clab-&lt;lab&gt;/ with topology-data.json. network-mode container:x resolves like
/// containerlab (clab-&lt;lab&gt;-x first, then x) and waits for the resolved container to run.
/// A failing exec is a warning unless -StrictExec. Any failure removes what the deploy created, unless
/// -KeepOnFailure. Deploying a lab that is already running reports it and changes nothing, unless -Reconfigure.
/// Needs root on the Docker host, as containerlab does. Nodes run privileged like containerlab's; where the host
/// does not allow that, choose a capability set with -Capability, $BgpLabCapability or BGPLAB_CAPABILITIES.
/// </remarks>
/// <example>
/// <code>Deploy-ClabTopology -Path ./topo.yaml -Capability NET_ADMIN,NET_RAW,SYS_ADMIN</code>
/// <para>Deploys the lab in topo.yaml with an explicit capability set and returns the ClabLab.</para>
/// </example>
/// <example>
/// <code>$BgpLabCapability = 'NET_ADMIN','NET_RAW','NET_BIND_SERVICE','SYS_ADMIN','SYS_PTRACE'; Deploy-ClabTopology ./topo.yaml -StrictExec</code>
/// <para>Sets the session's capability set once, then deploys, failing (and undoing) if any exec command fails.</para>
/// </example>
[Cmdlet("Deploy", "ClabTopology", SupportsShouldProcess = true, DefaultParameterSetName = "Path")]
[OutputType(typeof(ClabLab))]
public sealed class DeployClabTopologyCommand : BgpLabCmdlet
{
    /// <summary>The topology file (containerlab YAML).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    /// <summary>A topology object (from Import-ClabTopology or the New-Clab* cmdlets).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Topology", ValueFromPipeline = true)]
    public ClabTopology? Topology { get; set; }

    /// <summary>How many nodes are created and configured at once (default: the number of CPUs).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int MaxWorkers { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Destroy the running lab and deploy it again.</summary>
    [Parameter]
    public SwitchParameter Reconfigure { get; set; }

    /// <summary>Leave what was created in place when the deploy fails.</summary>
    [Parameter]
    public SwitchParameter KeepOnFailure { get; set; }

    /// <summary>Fail (and undo) the deploy when an exec command exits non-zero.</summary>
    [Parameter]
    public SwitchParameter StrictExec { get; set; }

    /// <summary>Run nodes unprivileged with these capabilities added (default: $BgpLabCapability, then BGPLAB_CAPABILITIES, else privileged).</summary>
    [Parameter]
    public string[]? Capability { get; set; }

    /// <summary>The longest wait, in seconds, for a container a node depends on (e.g. a Kind node) to run.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 120;

    /// <summary>The kind executable that creates the clusters of k8s-kind nodes (default: 'kind' on PATH), the same driver New-KindCluster uses.</summary>
    [Parameter]
    public string? KindPath { get; set; }

    /// <summary>The kubeconfig kind merges k8s-kind clusters' contexts into (default: KUBECONFIG, else ~/.kube/config).</summary>
    [Parameter]
    public string? Kubeconfig { get; set; }

    protected override void ProcessRecord()
    {
        var topology = Topology ?? Run((_, _) => Task.FromResult(ClabTopologyLoader.Load(ClabPaths.Resolve(this, [Path]).First())));
        var capabilities = ClabCapabilityPreference.Resolve(this, Capability);
        var action = $"Deploy {topology.Nodes.Count} node(s) and {topology.Links.Count} link(s)" +
                     (capabilities is null ? " (privileged)" : $" (capabilities {string.Join(",", capabilities)})") + (Reconfigure ? ", replacing the running lab" : "");
        if (!ShouldProcess($"lab {topology.Name}", action)) return;
        var options = new ClabDeployOptions
        {
            MaxWorkers = MaxWorkers, Reconfigure = Reconfigure, KeepOnFailure = KeepOnFailure, StrictExec = StrictExec,
            Capabilities = capabilities, Timeout = TimeSpan.FromSeconds(TimeoutSec),
            KindPath = KindPath is null ? null : GetUnresolvedProviderPathFromPSPath(KindPath),
            Kubeconfig = Kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(Kubeconfig),
        };
        WriteObject(Run((observer, ct) => new ClabDeployer().DeployAsync(topology, options, observer, ct)));
    }
}

/// <summary>Where the capability set comes from: the parameter, then $BgpLabCapability, then BGPLAB_CAPABILITIES.</summary>
internal static class ClabCapabilityPreference
{
    public const string VariableName = "BgpLabCapability";
    public const string EnvironmentName = "BGPLAB_CAPABILITIES";

    public static IReadOnlyList<string>? Resolve(PSCmdlet cmdlet, string[]? parameter)
    {
        if (parameter is { Length: > 0 }) return parameter;
        var value = cmdlet.SessionState.PSVariable.GetValue(VariableName);
        if (value is not null)
        {
            var list = LanguagePrimitives.ConvertTo<string[]>(value).Where(s => !string.IsNullOrWhiteSpace(s)).ToArray();
            if (list.Length > 0) return list;
        }
        return ClabDeployOptions.ParseCapabilities(Environment.GetEnvironmentVariable(EnvironmentName));
    }
}
