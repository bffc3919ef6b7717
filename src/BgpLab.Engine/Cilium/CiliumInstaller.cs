using System.Net;
using System.Text.Json.Nodes;
using BgpLab.Engine.Common;
using BgpLab.Engine.Kube;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BgpLab.Engine.Cilium;

/// <summary>Cilium in a cluster: the helm release and how far its agent DaemonSet and operator Deployment are rolled out.</summary>
public sealed class CiliumInstallation
{
    public required string Context { get; init; }
    /// <summary>The kubeconfig used, so piping it on reaches the same cluster.</summary>
    public string? KubeconfigPath { get; init; }
    /// <summary>Chart version of the helm release (or the agent image tag when helm is not available).</summary>
    public string? Version { get; init; }
    /// <summary>The values given to helm, as YAML.</summary>
    public string? Values { get; init; }
    public int? HelmRevision { get; init; }
    public string? HelmStatus { get; init; }
    public int AgentPodsDesired { get; init; }
    public int AgentPodsReady { get; init; }
    public int OperatorDesired { get; init; }
    public int OperatorReady { get; init; }
    /// <summary>The agent DaemonSet and operator Deployment exist and are fully rolled out.</summary>
    public bool Ready => AgentPodsDesired > 0 && AgentPodsReady == AgentPodsDesired && OperatorDesired > 0 && OperatorReady == OperatorDesired;

    public override string ToString() => $"Cilium {Version} on {Context}: agents {AgentPodsReady}/{AgentPodsDesired}, operator {OperatorReady}/{OperatorDesired}";
}

/// <summary>Installs, inspects and removes Cilium with helm, waiting for the rollout by watching the workloads.</summary>
public static class CiliumInstaller
{
    public const string AgentDaemonSet = "cilium";
    public const string OperatorDeployment = "cilium-operator";

    public static CiliumHelmTarget Target(KubeConnection connection, string? chart, string? helmPath) => new()
    {
        Chart = chart, HelmPath = helmPath, KubeContext = connection.Context,
        Kubeconfig = connection.KubeconfigPath.Contains(Path.PathSeparator) ? null : connection.KubeconfigPath,
    };

    public static async Task<CiliumInstallation> InstallAsync(KubeConnection connection, CiliumInstallIntent intent, string? chart, string? helmPath,
        bool wait, TimeSpan timeout, IOperationObserver observer, CancellationToken ct)
    {
        var values = CiliumChartValues.Build(intent, observer);
        var (version, _) = CiliumChartValues.Resolve(intent.Version);
        var target = Target(connection, chart, helmPath);
        var release = await CiliumHelm.UpgradeInstallAsync(target, version, values, observer, ct).ConfigureAwait(false);
        observer.Verbose($"helm release cilium revision {release.Revision} ({release.Status}).");
        var (ds, op) = wait
            ? await WaitForRolloutAsync(connection, timeout, observer, ct).ConfigureAwait(false)
            : (await ReadDaemonSet(connection, ct).ConfigureAwait(false), await ReadDeployment(connection, ct).ConfigureAwait(false));
        return Describe(connection, release, CiliumYaml.Write(new[] { (JsonNode?)values }), ds, op);
    }

    /// <summary>What the cluster and helm say now; helm is optional (its absence only leaves the release fields empty).</summary>
    public static async Task<CiliumInstallation?> GetStatusAsync(KubeConnection connection, string? helmPath, IOperationObserver observer, CancellationToken ct)
    {
        HelmRelease? release = null;
        try
        {
            release = await CiliumHelm.StatusAsync(Target(connection, null, helmPath), ct).ConfigureAwait(false);
        }
        catch (BgpLabException e) when (e.ErrorId == "HelmNotInstalled")
        {
            observer.Verbose("helm is not available: the release revision is not reported.");
        }
        var ds = await ReadDaemonSet(connection, ct).ConfigureAwait(false);
        var op = await ReadDeployment(connection, ct).ConfigureAwait(false);
        if (release is null && ds is null && op is null) return null;
        return Describe(connection, release, release?.Config is null ? null : CiliumYaml.Write(new[] { (JsonNode?)release.Config }), ds, op);
    }

    public static async Task UninstallAsync(KubeConnection connection, string? helmPath, CancellationToken ct) =>
        await CiliumHelm.UninstallAsync(Target(connection, null, helmPath), ct).ConfigureAwait(false);

    private static CiliumInstallation Describe(KubeConnection connection, HelmRelease? release, string? values, V1DaemonSet? ds, V1Deployment? op) => new()
    {
        Context = connection.Context,
        KubeconfigPath = connection.KubeconfigPath,
        Version = release?.ChartVersion ?? ds?.Spec?.Template?.Spec?.Containers?.FirstOrDefault()?.Image?.Split(':').LastOrDefault()?.TrimStart('v'),
        Values = values,
        HelmRevision = release?.Revision,
        HelmStatus = release?.Status,
        AgentPodsDesired = ds?.Status?.DesiredNumberScheduled ?? 0,
        AgentPodsReady = ds?.Status?.NumberReady ?? 0,
        OperatorDesired = op?.Spec?.Replicas ?? 0,
        OperatorReady = op?.Status?.ReadyReplicas ?? 0,
    };

    private static bool RolledOut(V1DaemonSet? ds) => ds?.Status is { } s && s.DesiredNumberScheduled > 0 &&
        (s.ObservedGeneration ?? 0) >= (ds.Metadata.Generation ?? 0) && s.UpdatedNumberScheduled == s.DesiredNumberScheduled &&
        s.NumberReady == s.DesiredNumberScheduled && (s.NumberAvailable ?? 0) == s.DesiredNumberScheduled;

    private static bool RolledOut(V1Deployment? d) => d?.Status is { } s && (d.Spec?.Replicas ?? 1) is var want && want > 0 &&
        (s.ObservedGeneration ?? 0) >= (d.Metadata.Generation ?? 0) && (s.UpdatedReplicas ?? 0) == want && (s.ReadyReplicas ?? 0) == want && (s.AvailableReplicas ?? 0) == want;

    /// <summary>Watches the agent DaemonSet and the operator Deployment until both are rolled out (or the timeout).</summary>
    public static async Task<(V1DaemonSet?, V1Deployment?)> WaitForRolloutAsync(KubeConnection connection, TimeSpan timeout, IOperationObserver observer, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        V1DaemonSet? ds = null;
        V1Deployment? op = null;
        const string activity = "Waiting for Cilium to roll out";
        void Report(bool done) => observer.Progress(new ProgressUpdate(62, activity,
            $"agents {ds?.Status?.NumberReady ?? 0}/{ds?.Status?.DesiredNumberScheduled ?? 0} ready, operator {op?.Status?.ReadyReplicas ?? 0}/{op?.Spec?.Replicas ?? 0} ready",
            Completed: done));
        try
        {
            var agent = WatchUntil<V1DaemonSet, V1DaemonSetList>(connection, AgentDaemonSet,
                (rv, token) => connection.Client.AppsV1.ListNamespacedDaemonSetWithHttpMessagesAsync(CiliumHelmTarget.Namespace,
                    fieldSelector: $"metadata.name={AgentDaemonSet}", watch: rv is not null, resourceVersion: rv, allowWatchBookmarks: rv is not null ? true : null, cancellationToken: token),
                list => list.Items.FirstOrDefault(), list => list.Metadata?.ResourceVersion,
                d => { ds = d; Report(false); return RolledOut(d); }, deadline.Token);
            var operatorTask = WatchUntil<V1Deployment, V1DeploymentList>(connection, OperatorDeployment,
                (rv, token) => connection.Client.AppsV1.ListNamespacedDeploymentWithHttpMessagesAsync(CiliumHelmTarget.Namespace,
                    fieldSelector: $"metadata.name={OperatorDeployment}", watch: rv is not null, resourceVersion: rv, allowWatchBookmarks: rv is not null ? true : null, cancellationToken: token),
                list => list.Items.FirstOrDefault(), list => list.Metadata?.ResourceVersion,
                d => { op = d; Report(false); return RolledOut(d); }, deadline.Token);
            await Task.WhenAll(agent, operatorTask).ConfigureAwait(false);
            Report(true);
            return (ds, op);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new BgpLabException(
                $"Timed out after {timeout.TotalSeconds:0.#} s waiting for Cilium to roll out (context {connection.Context}): " +
                $"DaemonSet {CiliumHelmTarget.Namespace}/{AgentDaemonSet} {(ds is null ? "missing" : $"{ds.Status?.NumberReady ?? 0}/{ds.Status?.DesiredNumberScheduled ?? 0} ready")}, " +
                $"Deployment {CiliumHelmTarget.Namespace}/{OperatorDeployment} {(op is null ? "missing" : $"{op.Status?.ReadyReplicas ?? 0}/{op.Spec?.Replicas ?? 0} ready")}.",
                "CiliumRolloutTimeout", FailureKind.OperationTimeout, connection.Context)
            {
                RecommendedAction = "Look at the agent pods (kubectl -n kube-system get pods -l k8s-app=cilium) and their logs; raise -TimeoutSec for slow image pulls.",
            };
        }
        catch (HttpRequestException e)
        {
            throw KubeErrors.Unreachable(connection, e);
        }
    }

    // List once, then watch from that resourceVersion; re-watch when the server closes the stream.
    private static async Task WatchUntil<T, TList>(KubeConnection connection, string name,
        Func<string?, CancellationToken, Task<HttpOperationResponse<TList>>> list, Func<TList, T?> first, Func<TList, string?> version,
        Func<T?, bool> done, CancellationToken ct) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var initial = await KubeErrors.Call(connection, $"Reading {name}", async () => (await list(null, ct).ConfigureAwait(false)).Body).ConfigureAwait(false);
        if (done(first(initial))) return;
        var resourceVersion = version(initial);
        while (true)
        {
            var progressed = false;
#pragma warning disable CS0618 // the replacement overload is not in every KubernetesClient release we may meet
            await foreach (var (type, item) in list(resourceVersion, ct).WatchAsync<T, TList>(cancellationToken: ct).ConfigureAwait(false))
#pragma warning restore CS0618
            {
                resourceVersion = item.Metadata?.ResourceVersion ?? resourceVersion;
                if (type == WatchEventType.Bookmark) continue;
                progressed = true;
                if (done(type == WatchEventType.Deleted ? null : item)) return;
            }
            if (!progressed) await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
        }
    }

    private static Task<V1DaemonSet?> ReadDaemonSet(KubeConnection connection, CancellationToken ct) =>
        ReadOrNull(connection, "the cilium DaemonSet", () => connection.Client.AppsV1.ReadNamespacedDaemonSetAsync(AgentDaemonSet, CiliumHelmTarget.Namespace, cancellationToken: ct));

    private static Task<V1Deployment?> ReadDeployment(KubeConnection connection, CancellationToken ct) =>
        ReadOrNull(connection, "the cilium-operator Deployment", () => connection.Client.AppsV1.ReadNamespacedDeploymentAsync(OperatorDeployment, CiliumHelmTarget.Namespace, cancellationToken: ct));

    private static async Task<T?> ReadOrNull<T>(KubeConnection connection, string what, Func<Task<T>> read) where T : class
    {
        try { return await read().ConfigureAwait(false); }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound) { return null; }
        catch (HttpOperationException e) { throw KubeErrors.FromStatus(connection, $"Reading {what}", e); }
        catch (HttpRequestException e) { throw KubeErrors.Unreachable(connection, e); }
    }
}
