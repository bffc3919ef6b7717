using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.RepresentationModel;

namespace BgpLab.Engine.Clab;

/// <summary>
/// Checks a topology the way containerlab would: its own JSON schema (embedded, v0.79.0), its loader's strict
/// reading, and semantic rules the schema cannot express (links to unknown nodes, an endpoint used twice,
/// interface names over 15 characters, network-mode container: loops, duplicate nodes, ...).
/// </summary>
public static partial class ClabTopologyValidator
{
    /// <summary>Linux limits interface names to 15 bytes (IFNAMSIZ 16 with the terminating NUL).</summary>
    public const int MaxInterfaceNameLength = 15;

    /// <summary>Brief-link node names that mean "not a node" (links/link_brief.go).</summary>
    public static readonly IReadOnlySet<string> SpecialEndpointNodes = new HashSet<string>(StringComparer.Ordinal) { "host", "mgmt-net", "macvlan" };

    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        using var stream = typeof(ClabTopologyValidator).Assembly.GetManifestResourceStream("BgpLab.Engine.Clab.clab.schema.json")
            ?? throw new InvalidOperationException("the embedded containerlab schema is missing");
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd());
    });

    /// <summary>Validates a topology file: schema, strict loading and semantic rules.</summary>
    public static IReadOnlyList<ClabTopologyFinding> ValidateFile(string path, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var text = ClabTopologyLoader.ReadFile(path);
        return ValidateText(text, path, environment);
    }

    /// <summary>Validates topology text; <paramref name="path"/> names the file in findings.</summary>
    public static IReadOnlyList<ClabTopologyFinding> ValidateText(string yamlText, string path, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var findings = new List<ClabTopologyFinding>();
        ClabYamlDocument document;
        try
        {
            document = ClabYamlDocument.Parse(yamlText, path, environment);
        }
        catch (ClabTopologyException e)
        {
            return [FromException(e)];
        }
        findings.AddRange(ValidateSchema(document));
        try
        {
            var topology = new LoaderAccess(document).Load();
            findings.AddRange(ValidateSemantics(topology, path));
        }
        catch (ClabTopologyException e)
        {
            // The schema usually reports the same place already; keep one finding per position.
            if (!findings.Any(f => f.Severity == ClabFindingSeverity.Error && f.Line == e.Position.Line && f.Column == e.Position.Column))
                findings.Add(FromException(e));
        }
        return Sorted(findings);
    }

    /// <summary>Validates an in-memory topology: the semantic rules, and the schema on its exported YAML.</summary>
    public static IReadOnlyList<ClabTopologyFinding> Validate(ClabTopology topology)
    {
        var file = topology.Path ?? topology.Name;
        var findings = new List<ClabTopologyFinding>();
        var yaml = ClabTopologyWriter.ToYaml(topology);
        try
        {
            var document = ClabYamlDocument.Parse(yaml, file, new Dictionary<string, string?>());
            // Positions in the generated text mean nothing to the user: report targets only.
            findings.AddRange(ValidateSchema(document).Select(f => ClabTopologyFinding.At(null, file, f.Severity, f.RuleId, f.Message, f.Target)));
        }
        catch (ClabTopologyException e)
        {
            findings.Add(ClabTopologyFinding.At(null, file, ClabFindingSeverity.Error, "Export", e.Problem, null));
        }
        findings.AddRange(ValidateSemantics(topology, file));
        return Sorted(findings);
    }

    private static List<ClabTopologyFinding> Sorted(List<ClabTopologyFinding> findings) =>
        findings.OrderBy(f => f.Line == 0 ? int.MaxValue : f.Line).ThenBy(f => f.Column).ThenBy(f => f.RuleId, StringComparer.Ordinal).ToList();

    private static ClabTopologyFinding FromException(ClabTopologyException e) =>
        ClabTopologyFinding.At(e.Position, e.Position.File, ClabFindingSeverity.Error, RuleOf(e.ErrorId), e.Problem, null);

    private static string RuleOf(string errorId) => errorId.StartsWith("ClabTopology", StringComparison.Ordinal) ? errorId["ClabTopology".Length..] : errorId;

    // The loader is reused on the already expanded and parsed document, so its errors point at the same places.
    private sealed class LoaderAccess(ClabYamlDocument document)
    {
        public ClabTopology Load() => ClabTopologyLoader.Read(document);
    }

    // ---------------------------------------------------------------- schema

    private static IEnumerable<ClabTopologyFinding> ValidateSchema(ClabYamlDocument document)
    {
        if (document.Root is null) yield break;
        var positions = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        var reader = new ClabYamlReader(document);
        JsonNode? instance;
        try
        {
            instance = ToJson(document.Root, "", positions, reader);
        }
        catch (ClabTopologyException)
        {
            yield break; // structural problems (e.g. non-string keys) are reported by the loader
        }
        // JsonSchema.Net runs the schema's patterns with a match timeout; on a loaded machine a first (cold) match can
        // exceed it, so try again before giving up on the schema part.
        EvaluationResults? results = null;
        for (var attempt = 1; attempt <= 3 && results is null; attempt++)
        {
            try
            {
                results = Schema.Value.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
            }
            catch (RegexMatchTimeoutException)
            {
            }
        }
        if (results is null)
        {
            yield return ClabTopologyFinding.At(new SourcePosition(document.File, 1, 1), document.File, ClabFindingSeverity.Warning, "SchemaTimeout",
                "the schema check timed out three times (the machine is busy); the other checks ran", "/");
            yield break;
        }
        if (results.IsValid) yield break;

        var errors = new List<(string Instance, string Evaluation, string Keyword, string Message)>();
        void Collect(EvaluationResults node)
        {
            // Only failing paths matter: a passing anyOf's failed branches and every "if" condition are not errors.
            if (node.IsValid) return;
            var evaluation = node.EvaluationPath.ToString();
            if (evaluation.EndsWith("/if", StringComparison.Ordinal)) return;
            if (node.Errors is not null)
                foreach (var (keyword, message) in node.Errors)
                    errors.Add((node.InstanceLocation.ToString(), evaluation, keyword, message));
            var alternatives = node.Details.Where(d => AlternativePattern().IsMatch(d.EvaluationPath.ToString())).ToList();
            if (alternatives.Count > 1 && BestBranch(node.InstanceLocation.ToString(), alternatives) is { } best)
            {
                foreach (var child in node.Details.Except(alternatives)) Collect(child);
                Collect(best);
                return;
            }
            foreach (var child in node.Details) Collect(child);
        }
        Collect(results);
        foreach (var (instanceLocation, message) in Condense(errors))
        {
            yield return ClabTopologyFinding.At(PositionOf(instanceLocation, positions) ?? new SourcePosition(document.File, 1, 1),
                document.File, ClabFindingSeverity.Error, "Schema", message, instanceLocation == "" ? "/" : instanceLocation);
        }
    }

    /// <summary>
    /// The alternative of a failed anyOf/oneOf the user most likely meant: not one whose discriminator (const/enum) or
    /// type differs from the value, and among the rest the one with the fewest errors. Null when none stands out.
    /// </summary>
    private static EvaluationResults? BestBranch(string at, List<EvaluationResults> alternatives)
    {
        var branches = alternatives.Where(b => !b.IsValid).Select(b => (Branch: b, Errors: Flatten(b).ToList())).ToList();
        var candidates = branches.Where(b => !b.Errors.Any(e => e.Keyword == "const" || (e.Keyword is "type" or "enum" && e.Instance == at))).ToList();
        if (candidates.Count == 0) return null;
        // A branch that calls "type" an unknown key is the brief form, which the user did not mean when writing a type.
        return candidates.OrderBy(b => b.Errors.Count + (b.Errors.Any(e => e.Instance == at + "/type") ? 100 : 0)).First().Branch;
    }

    private static IEnumerable<(string Instance, string Keyword)> Flatten(EvaluationResults node)
    {
        if (node.IsValid || node.EvaluationPath.ToString().EndsWith("/if", StringComparison.Ordinal)) yield break;
        if (node.Errors is not null)
            foreach (var keyword in node.Errors.Keys) yield return (node.InstanceLocation.ToString(), keyword);
        foreach (var child in node.Details)
            foreach (var e in Flatten(child)) yield return e;
    }

    /// <summary>Turns the schema's raw errors (every failed branch of every anyOf/oneOf) into the few that explain the problem.</summary>
    private static IEnumerable<(string Instance, string Message)> Condense(List<(string Instance, string Evaluation, string Keyword, string Message)> errors)
    {
        // Unknown keys: additionalProperties fails on the property's own location.
        static bool IsUnknownKey((string Instance, string Evaluation, string Keyword, string Message) e) =>
            e.Evaluation.EndsWith("/additionalProperties", StringComparison.Ordinal) && e.Instance.Length > 0;
        static bool IsCombinator(string keyword) => keyword is "anyOf" or "oneOf" or "allOf" or "if" or "then" or "else" or "$ref" or "properties" or "patternProperties" or "items" or "additionalProperties";

        var meaningful = errors.Where(e => IsUnknownKey(e) || !IsCombinator(e.Keyword)).ToList();
        // Inside a failed anyOf/oneOf, the branch the user meant is the one that got deepest into the instance.
        var byInstance = meaningful.GroupBy(e => e.Instance).ToList();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in byInstance.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var instance = group.Key;
            // Skip a "wrong type" at a location when a deeper error exists inside it (that branch was the intended one).
            var deeper = meaningful.Any(e => e.Instance.StartsWith(instance + "/", StringComparison.Ordinal));
            foreach (var e in group)
            {
                string message;
                if (IsUnknownKey(e)) message = $"unknown key \"{LastSegment(e.Instance)}\" (not in containerlab's schema)";
                else if (deeper && e.Keyword is "type" or "required" or "const" or "enum" or "not") continue;
                else if (e.Keyword == "type" && group.Count(x => x.Keyword == "type") > 1)
                    message = $"{Describe(e.Instance)}: " + string.Join("; or ", group.Where(x => x.Keyword == "type").Select(x => x.Message).Distinct());
                else message = $"{Describe(e.Instance)}: {e.Message}";
                if (reported.Add(instance + "\n" + message)) yield return (instance, message);
            }
        }
        if (reported.Count == 0)
        {
            var first = errors.OrderByDescending(e => Depth(e.Instance)).First();
            yield return (first.Instance, $"{Describe(first.Instance)}: {first.Message}");
        }
    }

    private static int Depth(string pointer) => pointer.Count(c => c == '/');

    private static string LastSegment(string pointer) => Unescape(pointer[(pointer.LastIndexOf('/') + 1)..]);

    private static string Unescape(string segment) => segment.Replace("~1", "/").Replace("~0", "~");

    private static string Describe(string pointer) =>
        pointer == "" ? "the file" : string.Join('.', pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Unescape));

    private static SourcePosition? PositionOf(string pointer, Dictionary<string, SourcePosition> positions)
    {
        for (var p = pointer; ; p = p[..p.LastIndexOf('/')])
        {
            if (positions.TryGetValue(p, out var position)) return position;
            if (p.Length == 0) return null;
        }
    }

    private static JsonNode? ToJson(YamlNode node, string pointer, Dictionary<string, SourcePosition> positions, ClabYamlReader reader)
    {
        positions.TryAdd(pointer, reader.Pos(node));
        switch (node)
        {
            case YamlScalarNode scalar:
                return ClabYamlReader.ResolveScalar(scalar) switch
                {
                    null => null,
                    bool b => JsonValue.Create(b),
                    long l => JsonValue.Create(l),
                    double d when double.IsFinite(d) => JsonValue.Create(d),
                    var other => JsonValue.Create(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture)),
                };
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                var i = 0;
                foreach (var item in sequence) array.Add(ToJson(item, $"{pointer}/{i++}", positions, reader));
                return array;
            default:
                var obj = new JsonObject();
                foreach (var (key, keyNode, value) in reader.Pairs(node, "a mapping"))
                {
                    var child = $"{pointer}/{key.Replace("~", "~0").Replace("/", "~1")}";
                    // Mapping entries point at their key: that is the line to fix for unknown or mistyped keys.
                    positions[child] = reader.Pos(keyNode);
                    obj[key] = ToJson(value, child, positions, reader);
                    positions[child] = reader.Pos(keyNode);
                }
                return obj;
        }
    }

    // ---------------------------------------------------------------- semantic rules

    [GeneratedRegex("/(anyOf|oneOf)/[0-9]+$")]
    private static partial Regex AlternativePattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9-._|]*$")]
    private static partial Regex NodeNamePattern();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9-._]+$")]
    private static partial Regex ContainerNamePattern();

    /// <summary>The rules the schema cannot express, on a loaded (or built) topology.</summary>
    public static IReadOnlyList<ClabTopologyFinding> ValidateSemantics(ClabTopology topology, string? file = null)
    {
        file ??= topology.Path ?? topology.Name;
        var findings = new List<ClabTopologyFinding>();
        void Add(SourcePosition? at, ClabFindingSeverity severity, string rule, string message, string target) =>
            findings.Add(ClabTopologyFinding.At(at, file, severity, rule, message, target));

        var nodes = new Dictionary<string, ClabNode>(StringComparer.Ordinal);
        foreach (var node in topology.Nodes)
        {
            if (!nodes.TryAdd(node.Name, node))
                Add(node.Position, ClabFindingSeverity.Error, "DuplicateNodeName", $"node \"{node.Name}\" is defined more than once", node.Name);
            if (!NodeNamePattern().IsMatch(node.Name))
                Add(node.Position, ClabFindingSeverity.Error, "InvalidNodeName", $"node name \"{node.Name}\" must match ^[a-zA-Z0-9][a-zA-Z0-9-._|]*$", node.Name);
            else if (!ContainerNamePattern().IsMatch(topology.ContainerNameOf(node.Name)))
                Add(node.Position, ClabFindingSeverity.Error, "InvalidContainerName", $"container name \"{topology.ContainerNameOf(node.Name)}\" of node \"{node.Name}\" must match ^[a-zA-Z0-9][a-zA-Z0-9-._]+$", node.Name);
            if (string.IsNullOrEmpty(node.Effective.Kind))
                Add(node.Position, ClabFindingSeverity.Error, "MissingKind", $"node \"{node.Name}\" has no kind (not on the node, its group, or the defaults)", node.Name);
            if (node.NetworkModeContainer is { } target && (node.Effective.Ports is { Count: > 0 } || node.Effective.MgmtIPv4 is not null || node.Effective.MgmtIPv6 is not null))
                Add(node.KeyPositions.GetValueOrDefault("network-mode") ?? node.Position, ClabFindingSeverity.Error, "NetworkModeConflict",
                    $"node \"{node.Name}\" shares the network namespace of \"{target}\" and cannot also have ports or a mgmt address (Docker rejects the container)", node.Name);
        }

        var used = new Dictionary<string, ClabEndpoint>(StringComparer.Ordinal);
        foreach (var link in topology.Links)
        {
            foreach (var endpoint in link.Endpoints)
            {
                var at = endpoint.Position ?? link.Position;
                var special = link.IsBrief && SpecialEndpointNodes.Contains(endpoint.Node);
                if (!special && !nodes.ContainsKey(endpoint.Node))
                    Add(at, ClabFindingSeverity.Error, "UnknownLinkNode", $"link endpoint \"{endpoint}\" names node \"{endpoint.Node}\", which is not in topology.nodes", endpoint.ToString());
                if (string.IsNullOrEmpty(endpoint.Interface))
                    Add(at, ClabFindingSeverity.Error, "MissingInterface", $"link endpoint of node \"{endpoint.Node}\" has no interface name", endpoint.ToString());
                else if (System.Text.Encoding.UTF8.GetByteCount(endpoint.Interface) > MaxInterfaceNameLength)
                    Add(at, ClabFindingSeverity.Error, "InterfaceNameTooLong",
                        $"interface name \"{endpoint.Interface}\" of \"{endpoint}\" has {endpoint.Interface.Length} characters; Linux allows at most {MaxInterfaceNameLength}", endpoint.ToString());
                // Many macvlan links may hang off the same parent interface; every other endpoint is unique.
                if (string.IsNullOrEmpty(endpoint.Interface) || (special && endpoint.Node == "macvlan")) continue;
                // Nodes sharing a namespace (network-mode container:x) put their interfaces into x's namespace.
                var key = $"{NamespaceOf(endpoint.Node, nodes)}:{endpoint.Interface}";
                if (!used.TryAdd(key, endpoint))
                {
                    var first = used[key];
                    var firstAt = first.Position is { } p ? $" (first used at line {p.Line})" : "";
                    if (first.Node == endpoint.Node)
                        Add(at, ClabFindingSeverity.Error, "DuplicateEndpoint", $"endpoint \"{endpoint}\" is used by more than one link{firstAt}", endpoint.ToString());
                    else
                        Add(at, ClabFindingSeverity.Error, "NamespaceInterfaceClash",
                            $"endpoint \"{endpoint}\" lands in the same network namespace as \"{first}\"{firstAt}", endpoint.ToString());
                }
            }
        }

        CheckNetworkModeLoops(topology, nodes, Add);
        foreach (var node in topology.Nodes)
        {
            if (node.NetworkModeContainer is { } target && !nodes.ContainsKey(target))
                Add(node.KeyPositions.GetValueOrDefault("network-mode") ?? node.Position, ClabFindingSeverity.Information, "ExternalNetworkModeContainer",
                    $"node \"{node.Name}\" joins \"{target}\" from outside the topology: {topology.ContainerNamePrefix}{target} (or {target}) must run before deploy", node.Name);
        }
        return findings;
    }

    private static string NamespaceOf(string nodeName, Dictionary<string, ClabNode> nodes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var current = nodeName;
        while (nodes.TryGetValue(current, out var node) && node.NetworkModeContainer is { } target && seen.Add(current)) current = target;
        return current;
    }

    private static void CheckNetworkModeLoops(ClabTopology topology, Dictionary<string, ClabNode> nodes,
        Action<SourcePosition?, ClabFindingSeverity, string, string, string> add)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in topology.Nodes)
        {
            var path = new List<string>();
            var current = start.Name;
            while (nodes.TryGetValue(current, out var node) && node.NetworkModeContainer is { } next)
            {
                path.Add(current);
                if (next == start.Name)
                {
                    var cycle = string.Join(" -> ", path.Append(start.Name));
                    var members = path.OrderBy(n => n, StringComparer.Ordinal).ToList();
                    if (reported.Add(string.Join(",", members)))
                        add(start.KeyPositions.GetValueOrDefault("network-mode") ?? start.Position, ClabFindingSeverity.Error, "NetworkModeLoop",
                            $"network-mode container: references form a loop: {cycle}", start.Name);
                    break;
                }
                if (path.Contains(next)) break; // a loop that does not include start: reported from its own members
                current = next;
            }
        }
    }
}
