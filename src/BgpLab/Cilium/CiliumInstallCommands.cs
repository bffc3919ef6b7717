using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;
using BgpLab.Engine.Cilium;
using BgpLab.Kube;

namespace BgpLab.Cilium;

/// <summary>Installs or upgrades Cilium with helm, with values made for the chart version.</summary>
/// <remarks>
/// Runs the real helm CLI (helm upgrade --install cilium, idempotent) with a values file generated from the typed
/// parameters for the target chart version: native routing is 'tunnel: disabled' on the 1.12–1.14 charts and
/// 'routingMode: native' on 1.15+; the BGP control plane, IPAM mode and kube-proxy replacement are spelled as that
/// chart expects. -ValuesPath and -Values are merged over them, and keys the chart version does not have are
/// refused. Then it watches the agent DaemonSet and operator Deployment until they are rolled out and returns a
/// CiliumInstallation. -WhatIf shows the values and the exact helm command without running it.
/// </remarks>
/// <example>
/// <code>Install-Cilium -Version 1.12.1 -EnableBgpControlPlane -NativeRoutingCidr 10.0.0.0/8 -WhatIf</code>
/// <para>Shows the scenario's values (tunnel: disabled, ipam.mode kubernetes, ipv4NativeRoutingCIDR, bgpControlPlane.enabled) and the helm command.</para>
/// </example>
/// <example>
/// <code>Get-KindCluster clab-bgp-cplane-demo | Install-Cilium -Version 1.12.1 -EnableBgpControlPlane -NativeRoutingCidr 10.0.0.0/8</code>
/// <para>Installs the scenario's Cilium into the Kind cluster and waits until every agent is ready.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Install, "Cilium", SupportsShouldProcess = true)]
[OutputType(typeof(CiliumInstallation))]
public sealed class InstallCiliumCommand : KubeCmdlet
{
    /// <summary><para type="description">Chart version (1.12.1, 1.16.3, ...). Default: the newest chart the module knows.</para></summary>
    [Parameter(Position = 0)]
    public string? Version { get; set; }

    /// <summary><para type="description">Turns on Cilium's BGP control plane (bgpControlPlane.enabled); implies Kubernetes IPAM unless -IpamMode is given.</para></summary>
    [Parameter]
    public SwitchParameter EnableBgpControlPlane { get; set; }

    /// <summary><para type="description">ipv4NativeRoutingCIDR: the CIDR routed natively (not masqueraded); implies -RoutingMode Native.</para></summary>
    [Parameter]
    public string? NativeRoutingCidr { get; set; }

    /// <summary><para type="description">Native (the fabric routes Pod CIDRs) or Tunnel (VXLAN/Geneve between nodes).</para></summary>
    // A string, not the engine's enum: a field of an engine value type would make PowerShell load the engine
    // while it scans the module's types, before the module's AssemblyLoadContext resolver is in place.
    [Parameter]
    [ValidateSet("Native", "Tunnel")]
    public string? RoutingMode { get; set; }

    /// <summary><para type="description">vxlan or geneve, with -RoutingMode Tunnel.</para></summary>
    [Parameter]
    [ValidateSet("vxlan", "geneve")]
    public string? TunnelProtocol { get; set; }

    /// <summary><para type="description">ipam.mode: kubernetes, cluster-pool, multi-pool, ...</para></summary>
    [Parameter]
    public string? IpamMode { get; set; }

    /// <summary><para type="description">kubeProxyReplacement: true/false (spelled strict/disabled for 1.12–1.13 charts).</para></summary>
    [Parameter]
    public string? KubeProxyReplacement { get; set; }

    /// <summary><para type="description">A values file merged over the typed settings.</para></summary>
    [Parameter]
    public string? ValuesPath { get; set; }

    /// <summary><para type="description">Values merged last; nested hashtables or dotted keys (@{'hubble.relay.enabled'=$true}).</para></summary>
    [Parameter]
    public Hashtable? Values { get; set; }

    /// <summary><para type="description">The chart: a local chart directory/.tgz, a repository URL, or an oci:// chart. Default: cilium from https://helm.cilium.io/.</para></summary>
    [Parameter]
    public string? Chart { get; set; }

    /// <summary><para type="description">The helm executable. Default: helm on PATH.</para></summary>
    [Parameter]
    public string? HelmPath { get; set; }

    /// <summary><para type="description">Wait for the agents and operator to be ready (default on; -Wait:$false returns right after helm).</para></summary>
    [Parameter]
    public SwitchParameter Wait { get; set; } = true;

    /// <summary><para type="description">How long to wait for the rollout (seconds).</para></summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = 600;

    protected override void ProcessRecord()
    {
        var intent = new CiliumInstallIntent
        {
            Version = Version, EnableBgpControlPlane = EnableBgpControlPlane, NativeRoutingCidr = NativeRoutingCidr,
            RoutingMode = RoutingMode is null ? null : Enum.Parse<CiliumRoutingMode>(RoutingMode, ignoreCase: true),
            TunnelProtocol = TunnelProtocol, IpamMode = IpamMode, KubeProxyReplacement = KubeProxyReplacement,
            ValuesPath = ValuesPath is null ? null : GetUnresolvedProviderPathFromPSPath(ValuesPath),
            Values = Values is null ? null : (JsonObject?)CiliumYaml.FromPlain(CiliumParameters.Unwrap(Values)),
        };
        var values = Run((o, _) => Task.FromResult(CiliumChartValues.Build(intent, o)));
        var version = CiliumChartValues.Resolve(Version).Version;
        var chart = Chart is not null && (File.Exists(GetUnresolvedProviderPathFromPSPath(Chart)) || Directory.Exists(GetUnresolvedProviderPathFromPSPath(Chart)))
            ? GetUnresolvedProviderPathFromPSPath(Chart) : Chart;
        var helmPath = HelmPath is null ? null : GetUnresolvedProviderPathFromPSPath(HelmPath);
        var valuesYaml = CiliumYaml.Write(new[] { (JsonNode?)values });
        var target = new CiliumHelmTarget { Chart = chart, HelmPath = helmPath, Kubeconfig = Kubeconfig is null ? null : GetUnresolvedProviderPathFromPSPath(Kubeconfig), KubeContext = Context };
        var command = CiliumHelm.UpgradeInstallCommand(target, version, "<values.yaml>");
        if (!ShouldProcess($"Cilium {version} with values:{Environment.NewLine}{valuesYaml}{command}", "helm upgrade --install")) return;
        var connection = Connection;
        WriteObject(Run((o, ct) => CiliumInstaller.InstallAsync(connection, intent, chart, helmPath, Wait, TimeSpan.FromSeconds(TimeoutSec), o, ct)));
    }
}

/// <summary>Reports Cilium's installation state in a cluster.</summary>
/// <remarks>
/// Reads the agent DaemonSet and operator Deployment (ready/desired) and, when helm is available, the cilium
/// release (chart version, revision, values). Writes nothing when Cilium is not installed.
/// </remarks>
/// <example>
/// <code>Get-CiliumStatus -Context kind-clab-bgp-cplane-demo</code>
/// <para>Version, helm revision, agents ready/desired and operator ready/desired.</para>
/// </example>
[Cmdlet(VerbsCommon.Get, "CiliumStatus")]
[OutputType(typeof(CiliumInstallation))]
public sealed class GetCiliumStatusCommand : KubeCmdlet
{
    /// <summary><para type="description">The helm executable. Default: helm on PATH (optional here).</para></summary>
    [Parameter]
    public string? HelmPath { get; set; }

    protected override void ProcessRecord()
    {
        var connection = Connection;
        var helmPath = HelmPath is null ? null : GetUnresolvedProviderPathFromPSPath(HelmPath);
        var status = Run((o, ct) => CiliumInstaller.GetStatusAsync(connection, helmPath, o, ct));
        if (status is not null) WriteObject(status);
    }
}

/// <summary>Removes Cilium (helm uninstall cilium).</summary>
/// <remarks>Runs helm uninstall for the cilium release in kube-system. Cilium's CRDs and the objects in them stay.</remarks>
/// <example>
/// <code>Uninstall-Cilium -Context kind-clab-bgp-cplane-demo</code>
/// <para>Removes the cilium release.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Uninstall, "Cilium", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class UninstallCiliumCommand : KubeCmdlet
{
    /// <summary><para type="description">The helm executable. Default: helm on PATH.</para></summary>
    [Parameter]
    public string? HelmPath { get; set; }

    protected override void ProcessRecord()
    {
        var connection = Connection;
        if (!ShouldProcess($"cilium release in kube-system ({connection.Context})", "helm uninstall")) return;
        var helmPath = HelmPath is null ? null : GetUnresolvedProviderPathFromPSPath(HelmPath);
        Run((_, ct) => CiliumInstaller.UninstallAsync(connection, helmPath, ct));
    }
}
