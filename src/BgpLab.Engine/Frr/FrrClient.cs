using System.Net;
using System.Text;
using System.Text.Json;
using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;

namespace BgpLab.Engine.Frr;

/// <summary>The result of one query on one router: its items, or the failure that router gave.</summary>
public sealed record FrrRouterResult<T>(FrrRouterTarget Target, IReadOnlyList<T> Items, BgpLabException? Error);

/// <summary>
/// Talks to FRR routers through vtysh (argv <c>vtysh -c … -c …</c>, run by docker exec) and turns their JSON
/// into typed objects. Every query names the router in its errors; many routers are queried in parallel.
/// </summary>
public sealed class FrrClient
{
    private readonly DockerEngine _docker;

    public FrrClient(DockerEngine docker) => _docker = docker;

    /// <summary>The vtysh argv for the given commands: each command one <c>-c</c> argument, never a shell string.</summary>
    public static IReadOnlyList<string> VtyshArgv(IEnumerable<string> commands)
    {
        var argv = new List<string> { "vtysh" };
        foreach (var c in commands)
        {
            argv.Add("-c");
            argv.Add(c);
        }
        return argv;
    }

    /// <summary>Runs commands and returns vtysh's text output; errors (no vtysh, no daemon, bad command) name the router.</summary>
    public async Task<string> RunTextAsync(FrrRouterTarget target, IReadOnlyList<string> commands, CancellationToken ct)
    {
        if (commands.Count == 0) throw new BgpLabException("No vtysh command was given.", "FrrNoCommand", FailureKind.InvalidArgument, target.Router);
        var result = await _docker.ExecAsync(target.Container, VtyshArgv(commands), ct).ConfigureAwait(false);
        ThrowOnFailure(target, commands, result.ExitCode, result.Stdout, result.Stderr);
        return result.Stdout;
    }

    /// <summary>Runs one JSON command; the output stays UTF-8 bytes (parsed straight from the buffer).</summary>
    public async Task<ReadOnlyMemory<byte>> RunJsonAsync(FrrRouterTarget target, string command, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var result = await _docker.ExecToStreamAsync(target.Container, VtyshArgv(new[] { command }), buffer, ct).ConfigureAwait(false);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        var first = FirstNonSpace(bytes.Span);
        if (result.ExitCode != 0 || (first != '{' && first != '['))
        {
            var stdout = Encoding.UTF8.GetString(bytes.Span[..Math.Min(bytes.Length, 4096)]);
            ThrowOnFailure(target, new[] { command }, result.ExitCode, stdout, result.Stderr);
            if (first != 0)
                throw new BgpLabException($"Router '{target.Router}' answered '{command}' with text instead of JSON: {FirstLine(stdout)}",
                    "FrrUnexpectedOutput", FailureKind.ParserError, target.Router);
        }
        return bytes;
    }

    public async Task<List<FrrBgpPeer>> GetBgpSummaryAsync(FrrRouterTarget target, string? vrf, string? addressFamily, CancellationToken ct)
    {
        var family = FamilyKey(addressFamily);
        var json = await RunJsonAsync(target, $"show bgp{VrfPart(vrf)}{FamilyPart(addressFamily)} summary json", ct).ConfigureAwait(false);
        return FrrJsonParser.ParseBgpSummary(json.Span, target.Router, target.Container, family, VrfName(vrf));
    }

    public async Task<List<FrrBgpRoute>> GetBgpRoutesAsync(FrrRouterTarget target, string? vrf, string? addressFamily,
        Func<FrrBgpRoute, bool>? filter, CancellationToken ct)
    {
        var json = await RunJsonAsync(target, $"show bgp{VrfPart(vrf)}{FamilyPart(addressFamily ?? "ipv4")} json", ct).ConfigureAwait(false);
        return FrrJsonParser.ParseBgpRoutes(json.Span, target.Router, target.Container, FamilyKey(addressFamily ?? "ipv4"), VrfName(vrf), filter);
    }

    public async Task<List<FrrBgpNeighbor>> GetBgpNeighborsAsync(FrrRouterTarget target, string? vrf, CancellationToken ct)
    {
        var json = await RunJsonAsync(target, $"show bgp{VrfPart(vrf)} neighbors json", ct).ConfigureAwait(false);
        return FrrJsonParser.ParseBgpNeighbors(json.Span, target.Router, target.Container, VrfName(vrf));
    }

    public async Task<List<FrrRoute>> GetRibAsync(FrrRouterTarget target, string? vrf, string? addressFamily, CancellationToken ct)
    {
        var ip = FamilyKey(addressFamily ?? "ipv4") == "ipv6Unicast" ? "ipv6" : "ip";
        var json = await RunJsonAsync(target, $"show {ip} route{VrfPart(vrf)} json", ct).ConfigureAwait(false);
        return FrrJsonParser.ParseRib(json.Span, target.Router, target.Container, VrfName(vrf));
    }

    /// <summary>Runs a query on every router at once; a failing router gives its error, the others their items.</summary>
    public static async Task<IReadOnlyList<FrrRouterResult<T>>> ForEachRouterAsync<T>(IReadOnlyList<FrrRouterTarget> targets,
        Func<FrrRouterTarget, CancellationToken, Task<List<T>>> query, CancellationToken ct)
    {
        var tasks = targets.Select(async t =>
        {
            try
            {
                return new FrrRouterResult<T>(t, await query(t, ct).ConfigureAwait(false), null);
            }
            catch (BgpLabException e)
            {
                return new FrrRouterResult<T>(t, Array.Empty<T>(), e);
            }
        }).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until the given neighbors (address, interface or hostname; all configured ones when none are given)
    /// of the routers reach <paramref name="state"/>. Times out with an error listing each session's last state and reset reason.
    /// </summary>
    public async Task<IReadOnlyList<FrrBgpNeighbor>> WaitForSessionsAsync(IReadOnlyList<FrrRouterTarget> targets, IReadOnlyCollection<string>? neighbors,
        FrrBgpSessionState state, string? vrf, TimeSpan timeout, IOperationObserver observer, CancellationToken ct, TimeSpan? pollInterval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var interval = pollInterval ?? TimeSpan.FromSeconds(1);
        const string activity = "Waiting for BGP sessions";
        while (true)
        {
            var results = await ForEachRouterAsync(targets, (t, c) => GetBgpNeighborsAsync(t, vrf, c), ct).ConfigureAwait(false);
            var awaited = results.SelectMany(r => r.Items).Where(n => Matches(n, neighbors)).ToList();
            var errors = results.Where(r => r.Error is not null).ToList();
            var ready = awaited.Count(n => n.State == state);
            var missing = neighbors?.Where(want => !awaited.Any(n => Matches(n, new[] { want }))).ToList() ?? new List<string>();
            var done = errors.Count == 0 && missing.Count == 0 && awaited.Count > 0 && ready == awaited.Count;
            var total = awaited.Count + missing.Count;
            observer.Progress(new ProgressUpdate(1, activity, $"{ready}/{total} sessions {state}", total == 0 ? 0 : ready * 100 / total,
                Completed: done, CurrentOperation: string.Join(", ", awaited.Where(n => n.State != state).Select(n => $"{n.Router} {n.Neighbor}: {n.State}"))));
            if (done) return awaited;
            if (DateTime.UtcNow >= deadline)
            {
                observer.Progress(new ProgressUpdate(1, activity, "timed out", Completed: true));
                var lines = awaited.Where(n => n.State != state)
                    .Select(n => $"  {n.Router} {n.Neighbor}{(n.RemoteAs is { } a ? $" (AS {a})" : "")}: {(n.State == FrrBgpSessionState.Unknown ? n.StateText : n.State.ToString())}"
                                 + (n.LastResetReason is { } r ? $", last reset: {r}" : ""))
                    .Concat(missing.Select(m => $"  {m}: not configured on {string.Join(", ", targets.Select(t => t.Router))}"))
                    .Concat(errors.Select(e => $"  {e.Target.Router}: {e.Error!.Message}"))
                    .Concat(awaited.Count == 0 && missing.Count == 0 && errors.Count == 0 ? new[] { "  no BGP neighbors are configured" } : Array.Empty<string>());
                throw new BgpLabException(
                    $"BGP sessions did not reach {state} within {timeout.TotalSeconds:0} s ({ready}/{total}):{Environment.NewLine}{string.Join(Environment.NewLine, lines)}",
                    "FrrBgpSessionTimeout", FailureKind.OperationTimeout, string.Join(",", targets.Select(t => t.Router)));
            }
            await Task.Delay(interval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until every router's BGP table holds a valid path for each given prefix and at least
    /// <paramref name="count"/> prefixes with a best path. Returns the best paths.
    /// </summary>
    public async Task<IReadOnlyList<FrrBgpRoute>> WaitForRoutesAsync(IReadOnlyList<FrrRouterTarget> targets, IReadOnlyCollection<IPNetwork>? prefixes,
        int? count, string? vrf, string? addressFamily, TimeSpan timeout, IOperationObserver observer, CancellationToken ct, TimeSpan? pollInterval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var interval = pollInterval ?? TimeSpan.FromSeconds(1);
        const string activity = "Waiting for BGP routes";
        while (true)
        {
            var results = await ForEachRouterAsync(targets, (t, c) => GetBgpRoutesAsync(t, vrf, addressFamily, r => r.IsBest, c), ct).ConfigureAwait(false);
            var shortfalls = new List<string>();
            foreach (var r in results)
            {
                if (r.Error is not null) { shortfalls.Add($"  {r.Target.Router}: {r.Error.Message}"); continue; }
                var have = r.Items.Select(i => i.Prefix).ToHashSet();
                var absent = prefixes?.Where(p => !have.Contains(p)).ToList() ?? new List<IPNetwork>();
                if (absent.Count > 0) shortfalls.Add($"  {r.Target.Router}: missing {string.Join(", ", absent)}");
                if (count is { } n && have.Count < n) shortfalls.Add($"  {r.Target.Router}: {have.Count} of {n} prefixes");
            }
            var satisfied = targets.Count - results.Count(r => r.Error is not null || shortfalls.Any(s => s.StartsWith($"  {r.Target.Router}:", StringComparison.Ordinal)));
            var done = shortfalls.Count == 0;
            observer.Progress(new ProgressUpdate(2, activity, $"{satisfied}/{targets.Count} routers have the routes", targets.Count == 0 ? 0 : satisfied * 100 / targets.Count,
                Completed: done));
            var selected = results.SelectMany(r => r.Items).Where(i => prefixes is null || prefixes.Count == 0 || prefixes.Contains(i.Prefix)).ToList();
            if (done) return selected;
            if (DateTime.UtcNow >= deadline)
            {
                observer.Progress(new ProgressUpdate(2, activity, "timed out", Completed: true));
                throw new BgpLabException($"BGP routes did not arrive within {timeout.TotalSeconds:0} s:{Environment.NewLine}{string.Join(Environment.NewLine, shortfalls)}",
                    "FrrBgpRouteTimeout", FailureKind.OperationTimeout, string.Join(",", targets.Select(t => t.Router)));
            }
            await Task.Delay(interval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Splits vtysh output of several JSON commands (documents printed back to back) into documents.</summary>
    public static List<JsonDocument> ParseJsonDocuments(string router, string output)
    {
        var bytes = Encoding.UTF8.GetBytes(output);
        var documents = new List<JsonDocument>();
        var offset = 0;
        while (true)
        {
            var rest = bytes.AsSpan(offset);
            var skip = 0;
            while (skip < rest.Length && rest[skip] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') skip++;
            if (skip == rest.Length) break;
            var reader = new Utf8JsonReader(rest[skip..], new JsonReaderOptions { AllowTrailingCommas = true });
            try
            {
                documents.Add(JsonDocument.ParseValue(ref reader));
            }
            catch (JsonException e)
            {
                throw new BgpLabException($"Router '{router}' printed output that is not JSON (document {documents.Count + 1}): {e.Message}",
                    "FrrNotJson", FailureKind.ParserError, router, e);
            }
            offset += skip + (int)reader.BytesConsumed;
        }
        return documents;
    }

    /// <summary>Whether a neighbor is one of <paramref name="wanted"/> (address, interface or hostname); all match when none are given.</summary>
    public static bool Matches(FrrBgpNeighbor n, IEnumerable<string>? wanted) =>
        wanted is null || !wanted.Any() || wanted.Any(w => string.Equals(w, n.Neighbor, StringComparison.OrdinalIgnoreCase)
                                                          || string.Equals(w, n.NeighborAddress, StringComparison.OrdinalIgnoreCase)
                                                          || string.Equals(w, n.NeighborHostname, StringComparison.OrdinalIgnoreCase));

    /// <summary>Classifies a failed vtysh run into a clear error naming the router.</summary>
    internal static void ThrowOnFailure(FrrRouterTarget target, IReadOnlyList<string> commands, long exitCode, string stdout, string stderr)
    {
        var text = (stderr + "\n" + stdout).Trim();
        var where = target.Router == target.Container ? $"'{target.Router}'" : $"'{target.Router}' (container {target.Container})";
        if (exitCode is 126 or 127 || text.Contains("executable file not found", StringComparison.OrdinalIgnoreCase)
            || (text.Contains("vtysh", StringComparison.Ordinal) && text.Contains("no such file", StringComparison.OrdinalIgnoreCase)))
            throw new BgpLabException($"Router {where} is not an FRR router: it has no vtysh.", "FrrVtyshNotFound", FailureKind.NotInstalled, target.Router)
            {
                RecommendedAction = "Point the command at a container that runs FRR (an image with the frr package).",
            };
        if (text.Contains("bgpd is not running", StringComparison.Ordinal))
            throw new BgpLabException($"Router {where} runs FRR without bgpd.", "FrrBgpdNotRunning", FailureKind.ResourceUnavailable, target.Router)
            {
                RecommendedAction = "Set bgpd=yes in /etc/frr/daemons and restart FRR (/usr/lib/frr/frrinit.sh restart).",
            };
        if (text.Contains("failed to connect to any daemons", StringComparison.Ordinal))
            throw new BgpLabException($"Router {where} has vtysh but no FRR daemon is running.", "FrrNotRunning", FailureKind.ResourceUnavailable, target.Router)
            {
                RecommendedAction = "Start FRR in the container (/usr/lib/frr/frrinit.sh start).",
            };
        var errorLine = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith('%'));
        if (errorLine is not null)
            throw new BgpLabException($"vtysh on router {where} rejected '{string.Join("' / '", commands)}': {errorLine}", "FrrVtyshError",
                FailureKind.InvalidArgument, target.Router);
        if (exitCode != 0)
            throw new BgpLabException($"vtysh on router {where} failed (exit code {exitCode}): {FirstLine(text)}", "FrrVtyshFailed",
                FailureKind.InvalidOperation, target.Router);
    }

    private static string FirstLine(string text)
    {
        var t = text.Trim();
        var nl = t.IndexOf('\n');
        return nl < 0 ? t : t[..nl].TrimEnd();
    }

    private static byte FirstNonSpace(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
            if (b is not ((byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')) return b;
        return 0;
    }

    private static string VrfPart(string? vrf) => string.IsNullOrEmpty(vrf) ? "" : $" vrf {vrf}";

    private static string VrfName(string? vrf) => string.IsNullOrEmpty(vrf) || vrf == "all" ? "default" : vrf;

    /// <summary>" ipv4 unicast" / " ipv6 unicast" for the command; empty for all families.</summary>
    private static string FamilyPart(string? family) => FamilyKey(family) switch
    {
        "ipv4Unicast" when family is not null => " ipv4 unicast",
        "ipv6Unicast" => " ipv6 unicast",
        _ => "",
    };

    /// <summary>FRR's JSON key for a family given as ipv4/ipv6 (default ipv4Unicast).</summary>
    public static string FamilyKey(string? family) => family?.ToLowerInvariant() switch
    {
        "ipv6" or "ipv6unicast" or "ipv6 unicast" => "ipv6Unicast",
        _ => "ipv4Unicast",
    };
}
