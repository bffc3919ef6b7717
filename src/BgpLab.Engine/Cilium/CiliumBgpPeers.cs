using System.Text;
using System.Text.Json.Nodes;
using BgpLab.Engine.Common;
using BgpLab.Engine.Frr;
using BgpLab.Engine.Kube;
using k8s;
using k8s.Models;

namespace BgpLab.Engine.Cilium;

/// <summary>
/// One BGP session as a Cilium node sees it. The property names are those of FrrBgpPeer (Router, Neighbor,
/// LocalAs, RemoteAs, State, Uptime, PrefixesReceived, PrefixesSent) so both ends compare in one pipeline.
/// </summary>
public sealed class CiliumBgpPeer
{
    /// <summary>The node (Cilium's BGP speaker) the session belongs to.</summary>
    public required string Router { get; init; }
    /// <summary>The peer's address.</summary>
    public required string Neighbor { get; init; }
    public long LocalAs { get; init; }
    public long RemoteAs { get; init; }
    /// <summary>Session state, the same type as FrrBgpPeer.State (Established, Active, Connect, OpenSent, OpenConfirm, Idle).</summary>
    public FrrBgpSessionState State { get; init; }
    /// <summary>The state as Cilium reported it (established, BGP_FSM_ACTIVE, ...).</summary>
    public string? StateText { get; init; }
    public TimeSpan? Uptime { get; init; }
    public long PrefixesReceived { get; init; }
    public long PrefixesSent { get; init; }
    /// <summary>Where it was read: cilium-dbg in the agent pod (v1) or CiliumBGPNodeConfig status (v2).</summary>
    public string Source { get; init; } = "";
    public string? Context { get; init; }

    public override string ToString() => $"{Router} → {Neighbor} AS{RemoteAs} {State}";

    /// <summary>The FRR session state for what Cilium reports ("established"; GoBGP's "BGP_FSM_ESTABLISHED").</summary>
    public static FrrBgpSessionState NormalizeState(string? state)
    {
        var s = (state ?? "unknown").Replace("BGP_FSM_", "", StringComparison.OrdinalIgnoreCase).Replace("_", "").ToLowerInvariant();
        return s switch
        {
            "established" => FrrBgpSessionState.Established,
            "active" => FrrBgpSessionState.Active,
            "connect" => FrrBgpSessionState.Connect,
            "opensent" => FrrBgpSessionState.OpenSent,
            "openconfirm" => FrrBgpSessionState.OpenConfirm,
            "idle" => FrrBgpSessionState.Idle,
            _ => FrrBgpSessionState.Unknown,
        };
    }

    /// <summary>Parses <c>cilium-dbg bgp peers -o json</c> (the agent API's BgpPeer list).</summary>
    public static IReadOnlyList<CiliumBgpPeer> FromAgentJson(string node, string json, string? context = null)
    {
        var result = new List<CiliumBgpPeer>();
        foreach (var p in JsonNode.Parse(json)?.AsArray() ?? new JsonArray())
        {
            if (p is null) continue;
            var families = p["families"]?.AsArray().OfType<JsonObject>().ToList() ?? new();
            var uptime = JsonMap.Long(p["uptime-nanoseconds"]);
            result.Add(new CiliumBgpPeer
            {
                Router = node,
                Neighbor = p["peer-address"]?.ToString() ?? "",
                LocalAs = JsonMap.Long(p["local-asn"]) ?? 0,
                RemoteAs = JsonMap.Long(p["peer-asn"]) ?? 0,
                State = NormalizeState(p["session-state"]?.ToString()),
                StateText = p["session-state"]?.ToString(),
                Uptime = uptime is > 0 ? TimeSpan.FromTicks(uptime.Value / 100) : null,
                PrefixesReceived = families.Sum(f => JsonMap.Long(f["received"]) ?? 0),
                PrefixesSent = families.Sum(f => JsonMap.Long(f["advertised"]) ?? 0),
                Source = "cilium-dbg bgp peers",
                Context = context,
            });
        }
        return result;
    }

    /// <summary>Reads the peers of a CiliumBGPNodeConfig's status (BGP control plane v2).</summary>
    public static IEnumerable<CiliumBgpPeer> FromNodeConfig(JsonNode nodeConfig, DateTimeOffset now, string? context = null)
    {
        var node = nodeConfig["metadata"]?["name"]?.ToString() ?? "";
        foreach (var instance in nodeConfig["status"]?["bgpInstances"]?.AsArray().OfType<JsonObject>() ?? Enumerable.Empty<JsonObject>())
        {
            foreach (var peer in instance["peers"]?.AsArray().OfType<JsonObject>() ?? Enumerable.Empty<JsonObject>())
            {
                var counts = peer["routeCount"]?.AsArray().OfType<JsonObject>().ToList();
                var established = peer["establishedTime"]?.ToString() is { Length: > 0 } t && DateTimeOffset.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : (DateTimeOffset?)null;
                yield return new CiliumBgpPeer
                {
                    Router = node,
                    Neighbor = peer["peerAddress"]?.ToString() ?? "",
                    LocalAs = JsonMap.Long(instance["localASN"]) ?? 0,
                    RemoteAs = JsonMap.Long(peer["peerASN"]) ?? 0,
                    State = NormalizeState(peer["peeringState"]?.ToString()),
                    StateText = peer["peeringState"]?.ToString(),
                    Uptime = established is { } e && NormalizeState(peer["peeringState"]?.ToString()) == FrrBgpSessionState.Established ? now - e : null,
                    PrefixesReceived = counts?.Sum(c => JsonMap.Long(c["received"]) ?? 0) ?? 0,
                    PrefixesSent = counts?.Sum(c => JsonMap.Long(c["advertised"]) ?? 0) ?? 0,
                    Source = "CiliumBGPNodeConfig status",
                    Context = context,
                };
            }
        }
    }
}

/// <summary>A route a Cilium node advertises to (or has available from) a neighbor.</summary>
public sealed class CiliumBgpRoute
{
    public required string Router { get; init; }
    public required string Prefix { get; init; }
    public string? Neighbor { get; init; }
    public long? LocalAs { get; init; }
    public string? NextHop { get; init; }
    public string? AsPath { get; init; }
    /// <summary>advertised or available.</summary>
    public string Direction { get; init; } = "advertised";

    public override string ToString() => $"{Router} {Prefix}";

    /// <summary>Parses <c>cilium-dbg bgp routes &lt;advertised|available&gt; ipv4 unicast -o json</c> (the agent API's BgpRoute list).</summary>
    public static IReadOnlyList<CiliumBgpRoute> FromAgentJson(string node, string direction, string json) =>
        (JsonNode.Parse(json)?.AsArray() ?? new JsonArray()).OfType<JsonObject>().Select(r => new CiliumBgpRoute
        {
            Router = node,
            Prefix = r["prefix"]?.ToString() ?? "",
            Neighbor = r["neighbor"]?.ToString() is { Length: > 0 } n ? n : null,
            LocalAs = JsonMap.Long(r["router-asn"]),
            Direction = direction,
        }).ToList();
}

/// <summary>Reads the Cilium side of the BGP sessions: v2 from CiliumBGPNodeConfig status, v1 from the agents (cilium-dbg, by exec).</summary>
public static class CiliumBgpSessions
{
    public static async Task<IReadOnlyList<CiliumBgpPeer>> GetPeersAsync(KubeConnection connection, IOperationObserver observer, CancellationToken ct)
    {
        var support = await CiliumBgpApi.DetectAsync(connection, ct).ConfigureAwait(false);
        if (support.V2Version is { } v2)
        {
            var configs = await CiliumBgpApi.ListAsync(connection, $"cilium.io/{v2}", "ciliumbgpnodeconfigs", ct).ConfigureAwait(false);
            if (configs.Count > 0 || !support.PeeringPolicyV1)
                return configs.SelectMany(c => CiliumBgpPeer.FromNodeConfig(c, DateTimeOffset.UtcNow, connection.Context)).ToList();
        }
        var result = new List<CiliumBgpPeer>();
        foreach (var (pod, node) in await AgentPodsAsync(connection, ct).ConfigureAwait(false))
        {
            observer.Progress(new ProgressUpdate(63, "Reading BGP peers from the Cilium agents", $"{node} ({pod})"));
            var json = await AgentJsonAsync(connection, pod, new[] { "bgp", "peers", "-o", "json" }, ct).ConfigureAwait(false);
            result.AddRange(CiliumBgpPeer.FromAgentJson(node, json, connection.Context));
        }
        observer.Progress(new ProgressUpdate(63, "Reading BGP peers from the Cilium agents", "done", Completed: true));
        return result;
    }

    public static async Task<IReadOnlyList<CiliumBgpRoute>> GetRoutesAsync(KubeConnection connection, string direction, string afi, string safi, IOperationObserver observer, CancellationToken ct)
    {
        var result = new List<CiliumBgpRoute>();
        foreach (var (pod, node) in await AgentPodsAsync(connection, ct).ConfigureAwait(false))
        {
            observer.Progress(new ProgressUpdate(64, "Reading BGP routes from the Cilium agents", $"{node} ({pod})"));
            var json = await AgentJsonAsync(connection, pod, new[] { "bgp", "routes", direction, afi, safi, "-o", "json" }, ct).ConfigureAwait(false);
            result.AddRange(CiliumBgpRoute.FromAgentJson(node, direction, json));
        }
        observer.Progress(new ProgressUpdate(64, "Reading BGP routes from the Cilium agents", "done", Completed: true));
        return result;
    }

    private static async Task<List<(string Pod, string Node)>> AgentPodsAsync(KubeConnection connection, CancellationToken ct)
    {
        var pods = await KubeErrors.Call(connection, "Listing the Cilium agent pods", () =>
            connection.Client.CoreV1.ListNamespacedPodAsync(CiliumHelmTarget.Namespace, labelSelector: "k8s-app=cilium", cancellationToken: ct)).ConfigureAwait(false);
        var running = pods.Items.Where(p => p.Status?.Phase == "Running").Select(p => (p.Metadata.Name, p.Spec?.NodeName ?? p.Metadata.Name)).OrderBy(p => p.Item2).ToList();
        if (running.Count == 0)
            throw new BgpLabException($"No running Cilium agent pod (kube-system, k8s-app=cilium) in context {connection.Context}.", "CiliumAgentsNotRunning",
                FailureKind.ObjectNotFound, connection.Context) { RecommendedAction = "Install Cilium (Install-Cilium) and check Get-CiliumStatus." };
        return running;
    }

    // cilium-dbg is the agent CLI from 1.15 on; earlier agents ship it as "cilium".
    private static async Task<string> AgentJsonAsync(KubeConnection connection, string pod, string[] arguments, CancellationToken ct)
    {
        string? lastError = null;
        foreach (var cli in new[] { "cilium-dbg", "cilium" })
        {
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            int exit;
            try
            {
                exit = await connection.Client.NamespacedPodExecAsync(pod, CiliumHelmTarget.Namespace, "cilium-agent", new[] { cli }.Concat(arguments).ToArray(), false,
                    async (stdin, output, error) =>
                    {
                        stdin.Dispose();
                        using var o = new StreamReader(output);
                        using var e = new StreamReader(error);
                        var readOut = o.ReadToEndAsync(ct);
                        var readErr = e.ReadToEndAsync(ct);
                        stdout.Append(await readOut.ConfigureAwait(false));
                        stderr.Append(await readErr.ConfigureAwait(false));
                    }, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is k8s.Autorest.HttpOperationException or System.Net.WebSockets.WebSocketException or HttpRequestException)
            {
                throw new BgpLabException($"Cannot exec into Cilium agent pod {pod} (context {connection.Context}): {e.Message}", "CiliumAgentExecFailed",
                    FailureKind.ConnectionError, pod, e);
            }
            if (exit == 0) return stdout.ToString();
            lastError = $"{cli} {string.Join(' ', arguments)} exited {exit}: {stderr.ToString().Trim()}";
        }
        throw new BgpLabException($"Cilium agent pod {pod}: {lastError}", "CiliumAgentCommandFailed", FailureKind.InvalidOperation, pod);
    }
}
