using System.Globalization;
using System.Text.Json.Nodes;
using BgpLab.Engine.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace BgpLab.Engine.Cilium;

/// <summary>
/// Kubernetes-style YAML ↔ JSON trees. Objects are handled as <see cref="JsonNode"/>s (what the API server
/// speaks), and YAML is only their file form; plain scalars are typed as YAML 1.2's core schema does.
/// </summary>
public static class CiliumYaml
{
    /// <summary>One YAML document of a file, as JSON, with the line it starts on (1-based).</summary>
    public sealed record Document(JsonNode? Node, int Line);

    /// <summary>Parses every document of a YAML text (empty documents are skipped).</summary>
    public static IReadOnlyList<Document> ParseDocuments(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new BgpLabException($"{source}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.InnerException?.Message ?? e.Message}",
                "CiliumYamlSyntax", FailureKind.ParserError, source);
        }
        var documents = new List<Document>();
        foreach (var doc in stream.Documents)
        {
            if (doc.RootNode is YamlScalarNode { Value: null or "" } && doc.RootNode.Tag.IsEmpty) continue;
            documents.Add(new Document(ToJson(doc.RootNode), (int)doc.RootNode.Start.Line));
        }
        return documents;
    }

    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => ToObject(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ToScalar(scalar),
        _ => null,
    };

    private static JsonObject ToObject(YamlMappingNode map)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            result[((YamlScalarNode)key).Value ?? ""] = ToJson(value);
        }
        return result;
    }

    private static JsonNode? ToScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(text);
        if (!scalar.Tag.IsEmpty && scalar.Tag.Value == "tag:yaml.org,2002:str") return JsonValue.Create(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (text.StartsWith("0x", StringComparison.Ordinal) &&
            long.TryParse(text[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex)) return JsonValue.Create(hex);
        if (System.Text.RegularExpressions.Regex.IsMatch(text, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$") &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(text);
    }

    /// <summary>Writes JSON trees as a multi-document YAML text (keys in their order; strings quoted only where needed).</summary>
    public static string Write(IEnumerable<JsonNode?> documents)
    {
        var serializer = new SerializerBuilder().WithQuotingNecessaryStrings().DisableAliases().Build();
        var writer = new StringWriter();
        var first = true;
        foreach (var document in documents)
        {
            if (!first) writer.Write("---\n");
            first = false;
            writer.Write(serializer.Serialize(ToPlain(document)).Replace("\r\n", "\n"));
        }
        return writer.ToString();
    }

    /// <summary>JSON → plain CLR values (ordered dictionaries, lists, primitives) for serializers.</summary>
    public static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray a => a.Select(ToPlain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.True => true,
            System.Text.Json.JsonValueKind.False => false,
            System.Text.Json.JsonValueKind.Null => null,
            System.Text.Json.JsonValueKind.Number => long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                ? l : double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture),
            System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
            _ => v.ToJsonString(),
        },
        _ => node.ToJsonString(),
    };

    /// <summary>Plain CLR values (dictionaries, lists, primitives, e.g. from PowerShell hashtables) → JSON.</summary>
    public static JsonNode? FromPlain(object? value) => value switch
    {
        null => null,
        JsonNode n => n.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int or long or short or byte or uint or ushort or sbyte => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong u => JsonValue.Create(u),
        float or double or decimal => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        System.Collections.IDictionary d => FromDictionary(d),
        System.Collections.IEnumerable e => new JsonArray(e.Cast<object?>().Select(FromPlain).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };

    private static JsonObject FromDictionary(System.Collections.IDictionary dictionary)
    {
        var result = new JsonObject();
        foreach (System.Collections.DictionaryEntry entry in dictionary)
        {
            result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = FromPlain(entry.Value);
        }
        return result;
    }

    /// <summary>Deep equality of JSON trees where numbers compare by value (1 == 1.0) and key order does not matter.</summary>
    public static bool DeepEquals(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (JsonObject x, JsonObject y) => x.Count == y.Count && x.All(p => y.TryGetPropertyValue(p.Key, out var other) && DeepEquals(p.Value, other)),
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(t => DeepEquals(t.First, t.Second)),
        (JsonValue x, JsonValue y) => ToPlain(x) is var px && ToPlain(y) is var py &&
            (Equals(px, py) || (IsNumber(px) && IsNumber(py) && Convert.ToDouble(px, CultureInfo.InvariantCulture) == Convert.ToDouble(py, CultureInfo.InvariantCulture))),
        _ => false,
    };

    private static bool IsNumber(object? o) => o is long or double;
}
