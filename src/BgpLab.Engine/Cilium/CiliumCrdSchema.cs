using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using BgpLab.Engine.Common;
using Json.Schema;

namespace BgpLab.Engine.Cilium;

/// <summary>One problem found in an object, named by its Kubernetes field path (spec.virtualRouters[0].localASN).</summary>
public sealed record CiliumFieldError(string FieldPath, string Message)
{
    public override string ToString() => $"{FieldPath}: {Message}";
}

/// <summary>
/// Cilium's own CRD schemas (the upstream CRD files, embedded) used to validate objects before they are
/// sent, as the API server would: openAPIV3Schema evaluated as JSON Schema, unknown fields refused (the
/// server's strict field validation), plus the checks the server leaves to Cilium (reserved ASN 0).
/// </summary>
public sealed class CiliumCrdSchema
{
    private static readonly ConcurrentDictionary<(string Kind, string Version), CiliumCrdSchema> Cache = new();

    static CiliumCrdSchema()
    {
        // Kubernetes' "cidr" format is Go's net.ParseCIDR: an address, a slash and a prefix length (host bits allowed).
        Formats.Register(new PredicateFormat("cidr", node => node is not JsonValue v || !v.TryGetValue<string>(out var s) || IsCidr(s)));
    }

    private CiliumCrdSchema(string kind, string version, JsonObject openApiSchema)
    {
        Kind = kind;
        Version = version;
        OpenApiSchema = openApiSchema;
        var converted = Convert(openApiSchema.DeepClone())!.AsObject();
        converted["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        Schema = JsonSchema.FromText(converted.ToJsonString());
    }

    public string Kind { get; }
    public string Version { get; }

    /// <summary>The CRD's openAPIV3Schema for this version, as published.</summary>
    public JsonObject OpenApiSchema { get; }

    private JsonSchema Schema { get; }

    /// <summary>The names of the embedded CRD files (upstream data, see Cilium/Crds/SOURCES.md).</summary>
    public static IEnumerable<string> EmbeddedCrdNames =>
        typeof(CiliumCrdSchema).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..]);

    private const string ResourcePrefix = "BgpLab.Engine.Cilium.Crds.";

    /// <summary>The schema of a kind at an API version (e.g. CiliumBGPPeeringPolicy, v2alpha1).</summary>
    public static CiliumCrdSchema For(string kind, string version) => Cache.GetOrAdd((kind, version), key =>
    {
        foreach (var name in EmbeddedCrdNames)
        {
            var crd = LoadEmbedded(name);
            if (crd["spec"]?["names"]?["kind"]?.GetValue<string>() != key.Kind) continue;
            foreach (var v in crd["spec"]!["versions"]!.AsArray())
            {
                if (v!["name"]!.GetValue<string>() == key.Version)
                    return new CiliumCrdSchema(key.Kind, key.Version, v["schema"]!["openAPIV3Schema"]!.AsObject());
            }
        }
        throw new BgpLabException($"No embedded Cilium CRD serves {key.Kind} at cilium.io/{key.Version}.", "CiliumCrdUnknown", FailureKind.ObjectNotFound, key.Kind);
    });

    /// <summary>An embedded CRD file as JSON.</summary>
    public static JsonObject LoadEmbedded(string fileName)
    {
        using var stream = typeof(CiliumCrdSchema).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new InvalidOperationException($"embedded CRD {fileName} is missing");
        using var reader = new StreamReader(stream);
        return CiliumYaml.ParseDocuments(reader.ReadToEnd(), fileName)[0].Node!.AsObject();
    }

    /// <summary>Every problem in the object, each with its field path; empty when the API server would accept it.</summary>
    public IReadOnlyList<CiliumFieldError> Validate(JsonNode obj)
    {
        var result = Schema.Evaluate(obj, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var errors = new List<CiliumFieldError>();
        if (!result.IsValid)
        {
            foreach (var detail in result.Details.Where(d => d.HasErrors))
            {
                foreach (var (keyword, message) in detail.Errors!)
                {
                    var path = FieldPath(detail.InstanceLocation.ToString());
                    if (keyword is "additionalProperties" or "false" || detail.EvaluationPath.ToString().EndsWith("/additionalProperties", StringComparison.Ordinal))
                        errors.Add(new CiliumFieldError(path, "field not declared in schema (unknown field)"));
                    else if (keyword == "required")
                        errors.Add(new CiliumFieldError(path, $"Required value: {message}"));
                    else
                        errors.Add(new CiliumFieldError(path, $"Invalid value: {Describe(obj, detail.InstanceLocation.ToString())}: " +
                            message.Replace($"format \"{PatternFormatPrefix}", "pattern \"", StringComparison.Ordinal)));
                }
            }
        }
        errors.AddRange(ReservedAsns(obj));
        return errors.Distinct().OrderBy(e => e.FieldPath, StringComparer.Ordinal).ToList();
    }

    /// <summary>Throws a BgpLabException listing every problem (message names the object and each field path).</summary>
    public void EnsureValid(JsonNode obj, string what)
    {
        var errors = Validate(obj);
        if (errors.Count == 0) return;
        throw new BgpLabException($"{what} is invalid: " + string.Join("; ", errors),
            "CiliumObjectInvalid", FailureKind.InvalidData, what)
        { RecommendedAction = $"Fix the fields named above; the {Kind} schema is Cilium's CRD cilium.io/{Version}." };
    }

    /// <summary>The object with every default the CRD declares filled in (what the API server stores).</summary>
    public JsonNode WithDefaults(JsonNode obj)
    {
        var copy = obj.DeepClone();
        ApplyDefaults(copy, OpenApiSchema);
        return copy;
    }

    private static void ApplyDefaults(JsonNode? node, JsonObject schema)
    {
        if (node is JsonObject o && schema["properties"] is JsonObject props)
        {
            foreach (var (name, sub) in props)
            {
                if (sub is not JsonObject subSchema) continue;
                if (!o.ContainsKey(name) && subSchema["default"] is { } def) o[name] = def.DeepClone();
                if (o[name] is { } child) ApplyDefaults(child, subSchema);
            }
        }
        else if (node is JsonArray a && schema["items"] is JsonObject items)
        {
            foreach (var item in a) ApplyDefaults(item, items);
        }
    }

    // ASN 0 is reserved (RFC 7607); the CRDs allow it (minimum: 0) but no BGP speaker can use it.
    private static IEnumerable<CiliumFieldError> ReservedAsns(JsonNode obj)
    {
        var stack = new Stack<(JsonNode Node, string Path)>();
        stack.Push((obj, ""));
        while (stack.Count > 0)
        {
            var (node, path) = stack.Pop();
            if (node is JsonObject o)
            {
                foreach (var (key, value) in o)
                {
                    if (value is null) continue;
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    if ((key.EndsWith("ASN", StringComparison.Ordinal) || key == "peerASN" || key == "localASN") && value is JsonValue v &&
                        v.TryGetValue<long>(out var asn) && asn == 0)
                        yield return new CiliumFieldError(childPath, "Invalid value: 0: ASN 0 is reserved (RFC 7607); use 1..4294967295");
                    stack.Push((value, childPath));
                }
            }
            else if (node is JsonArray a)
            {
                for (var i = 0; i < a.Count; i++) if (a[i] is { } item) stack.Push((item, $"{path}[{i}]"));
            }
        }
    }

    /// <summary>JSON pointer (/spec/virtualRouters/0/localASN) → Kubernetes field path (spec.virtualRouters[0].localASN).</summary>
    public static string FieldPath(string pointer)
    {
        var result = new System.Text.StringBuilder();
        foreach (var raw in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var part = raw.Replace("~1", "/").Replace("~0", "~");
            if (int.TryParse(part, out var index)) result.Append('[').Append(index).Append(']');
            else result.Append(result.Length == 0 ? "" : ".").Append(part);
        }
        return result.Length == 0 ? "<root>" : result.ToString();
    }

    private static string Describe(JsonNode root, string pointer)
    {
        var node = Json.Pointer.JsonPointer.Parse(pointer).TryEvaluate(root, out var found) ? found : null;
        var text = node?.ToJsonString() ?? "null";
        return text.Length > 60 ? text[..57] + "..." : text;
    }

    public static bool IsCidr(string text)
    {
        var slash = text.IndexOf('/');
        if (slash <= 0 || !IPAddress.TryParse(text[..slash], out var address) || text[..slash].Contains('%')) return false;
        var max = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var prefix = text[(slash + 1)..];
        return prefix.Length > 0 && prefix.All(char.IsAsciiDigit) && int.TryParse(prefix, out var length) && length <= max &&
               (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || text[..slash].Count(c => c == '.') == 3);
    }

    // openAPIV3Schema → JSON Schema 2020-12: nullable becomes a "null" type, Kubernetes extensions are
    // interpreted (int-or-string, preserve-unknown-fields) and objects with declared properties close.
    private const string PatternFormatPrefix = "k8s-pattern:";
    private static readonly ConcurrentDictionary<string, Format> PatternFormats = new(StringComparer.Ordinal);

    private static JsonNode? Convert(JsonNode? node)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array) Convert(item);
            return array;
        }
        if (node is not JsonObject o) return node;
        foreach (var key in o.Select(p => p.Key).ToList())
        {
            if (key is "properties" or "patternProperties" or "definitions" && o[key] is JsonObject children)
            {
                foreach (var child in children) Convert(child.Value);
            }
            else if (key is "items" or "additionalProperties" or "not" or "allOf" or "anyOf" or "oneOf")
            {
                Convert(o[key]);
            }
        }
        var preserve = o["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        if (o["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            o.Remove("type");
            o["anyOf"] ??= new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" });
        }
        if (o["nullable"]?.GetValue<bool>() == true && o["type"] is JsonValue t)
        {
            o["type"] = new JsonArray(t.GetValue<string>(), "null");
        }
        if (o["pattern"] is JsonValue patternValue)
        {
            // Kubernetes matches patterns with RE2 (linear time). Backtracking regexes with a timeout fail
            // under load on Cilium's long community patterns, so patterns become linear-time formats.
            var pattern = patternValue.GetValue<string>();
            o.Remove("pattern");
            var name = PatternFormatPrefix + pattern;
            PatternFormats.GetOrAdd(name, _ =>
            {
                var regex = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.NonBacktracking);
                var format = new PredicateFormat(name, node => node is not JsonValue v || !v.TryGetValue<string>(out var text) || regex.IsMatch(text));
                Formats.Register(format);
                return format;
            });
            var allOf = o["allOf"] as JsonArray ?? new JsonArray();
            allOf.Add(new JsonObject { ["format"] = name });
            o["allOf"] = allOf;
        }
        if (o["properties"] is JsonObject && !o.ContainsKey("additionalProperties") && !preserve)
        {
            o["additionalProperties"] = false;
        }
        foreach (var key in o.Select(p => p.Key).Where(k => k.StartsWith("x-kubernetes-", StringComparison.Ordinal) || k == "nullable").ToList())
        {
            o.Remove(key);
        }
        return o;
    }
}
