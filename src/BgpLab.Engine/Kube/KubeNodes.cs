using BgpLab.Engine.Common;
using k8s;
using k8s.Models;

namespace BgpLab.Engine.Kube;

/// <summary>Reads Nodes and waits for node conditions (by watching, not polling).</summary>
public static class KubeNodes
{
    public static async Task<IReadOnlyList<KubeNode>> GetAsync(KubeConnection connection, string? labelSelector, CancellationToken ct)
    {
        var list = await KubeErrors.Call(connection, "Listing nodes",
            () => connection.Client.CoreV1.ListNodeAsync(labelSelector: labelSelector, cancellationToken: ct)).ConfigureAwait(false);
        return list.Items.Select(n => KubeNode.From(n, connection.Context)).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Waits until every selected node (all nodes matching <paramref name="labelSelector"/>, or exactly
    /// <paramref name="names"/>) has <paramref name="condition"/> = <paramref name="status"/>. Lists once, then
    /// follows a watch from that resourceVersion (re-watching when the server ends the stream). On timeout the
    /// error lists each node's conditions.
    /// </summary>
    public static async Task<IReadOnlyList<KubeNode>> WaitAsync(KubeConnection connection, IReadOnlyCollection<string>? names, string? labelSelector,
        string condition, string status, TimeSpan timeout, IOperationObserver observer, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var nodes = new Dictionary<string, V1Node>(StringComparer.Ordinal);
        var activity = $"Waiting for nodes to be {condition}={status}";
        bool Done(out int satisfied, out int total)
        {
            var relevant = names is { Count: > 0 } ? names.Select(n => nodes.GetValueOrDefault(n)).ToList() : nodes.Values.Cast<V1Node?>().ToList();
            total = relevant.Count;
            satisfied = relevant.Count(n => n?.Status?.Conditions?.Any(c => c.Type == condition && c.Status == status) == true);
            return total > 0 && satisfied == total;
        }
        try
        {
            var list = await KubeErrors.Call(connection, "Listing nodes",
                () => connection.Client.CoreV1.ListNodeAsync(labelSelector: labelSelector, cancellationToken: deadline.Token)).ConfigureAwait(false);
            foreach (var n in list.Items) nodes[n.Metadata.Name] = n;
            var resourceVersion = list.Metadata?.ResourceVersion;
            while (true)
            {
                var done = Done(out var satisfied, out var total);
                observer.Progress(new ProgressUpdate(1, activity, $"{satisfied}/{total} nodes {condition}={status}",
                    total == 0 ? -1 : satisfied * 100 / total, Completed: done));
                if (done) break;
                var response = connection.Client.CoreV1.ListNodeWithHttpMessagesAsync(watch: true, resourceVersion: resourceVersion,
                    labelSelector: labelSelector, allowWatchBookmarks: true, cancellationToken: deadline.Token);
                var progressed = false;
                await foreach (var (type, node) in response.WatchAsync<V1Node, V1NodeList>(cancellationToken: deadline.Token).ConfigureAwait(false))
                {
                    resourceVersion = node.Metadata?.ResourceVersion ?? resourceVersion;
                    if (type == WatchEventType.Bookmark) continue;
                    if (type == WatchEventType.Deleted) nodes.Remove(node.Metadata.Name);
                    else nodes[node.Metadata.Name] = node;
                    progressed = true;
                    if (Done(out _, out _)) break;
                }
                if (!progressed && !Done(out _, out _))
                    await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token).ConfigureAwait(false); // stream closed early; re-watch
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var described = names is { Count: > 0 }
                ? names.Select(n => nodes.TryGetValue(n, out var node) ? $"{n}: {KubeNode.From(node, connection.Context).DescribeConditions(condition)}" : $"{n}: no such node")
                : nodes.Values.OrderBy(n => n.Metadata.Name).Select(n => $"{n.Metadata.Name}: {KubeNode.From(n, connection.Context).DescribeConditions(condition)}");
            var lines = described.ToList();
            throw new BgpLabException(
                $"Timed out after {timeout.TotalSeconds:0.#} s waiting for nodes to be {condition}={status} (context {connection.Context}). " +
                (lines.Count == 0 ? "No nodes matched." : "Node conditions:" + Environment.NewLine + string.Join(Environment.NewLine, lines.Select(l => "  " + l))),
                "KubeNodeWaitTimeout", FailureKind.OperationTimeout, connection.Context)
            {
                RecommendedAction = condition == "Ready"
                    ? "Nodes stay NotReady until a CNI is installed (the scenario disables the default CNI): install Cilium, then wait again."
                    : null,
            };
        }
        catch (HttpRequestException e)
        {
            throw KubeErrors.Unreachable(connection, e);
        }
        return nodes.Values.Select(n => KubeNode.From(n, connection.Context)).Where(n => names is not { Count: > 0 } || names.Contains(n.Name))
            .OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
    }
}
