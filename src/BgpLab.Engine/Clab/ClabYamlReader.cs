using System.Globalization;
using BgpLab.Engine.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BgpLab.Engine.Clab;

/// <summary>
/// Typed reads of YAML nodes with containerlab's (go-yaml v2) conversions: any scalar reads as a string,
/// null reads as unset, YAML 1.1 booleans, merge keys (<c>&lt;&lt;</c>), and errors that name the position.
/// </summary>
internal sealed class ClabYamlReader(ClabYamlDocument document)
{
    public ClabYamlDocument Document { get; } = document;

    public SourcePosition Pos(YamlNode node) => Document.PositionOf(node);

    public ClabTopologyException Error(YamlNode node, string problem, string errorId = "ClabTopologyInvalid") =>
        new(Pos(node), problem, errorId);

    public static bool IsNull(YamlNode? node) =>
        node is null || node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"\"{s.Value}\"",
        _ => "a value",
    };

    /// <summary>The key/value pairs of a mapping in file order, merge keys applied, duplicate keys rejected.</summary>
    public List<(string Key, YamlNode KeyNode, YamlNode Value)> Pairs(YamlNode node, string what)
    {
        if (node is not YamlMappingNode mapping) throw Error(node, $"{what} must be a mapping, found {Describe(node)}", "ClabTopologyWrongType");
        var result = new List<(string, YamlNode, YamlNode)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var merged = new List<(string, YamlNode, YamlNode)>();
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key }) throw Error(keyNode, $"{what} has a key that is not a string", "ClabTopologyWrongType");
            if (key == "<<" && keyNode is YamlScalarNode { Style: ScalarStyle.Plain })
            {
                var sources = value is YamlSequenceNode seq ? seq.Children.ToList() : [value];
                foreach (var source in sources) merged.AddRange(Pairs(source, "a merge key's value"));
                continue;
            }
            if (!seen.Add(key)) throw Error(keyNode, $"duplicate key \"{key}\" in {what}", "ClabTopologyDuplicateKey");
            result.Add((key, keyNode, value));
        }
        foreach (var m in merged)
        {
            if (seen.Add(m.Item1)) result.Add(m);
        }
        return result;
    }

    public ClabTopologyException UnknownKey(YamlNode keyNode, string key, string what, IReadOnlyCollection<string> allowed)
    {
        var closest = allowed.Select(a => (Key: a, Distance: EditDistance(key, a))).OrderBy(a => a.Distance).FirstOrDefault();
        var hint = closest.Key is not null && closest.Distance <= Math.Max(2, key.Length / 3) ? $"did you mean \"{closest.Key}\"?"
            : allowed.Count <= 12 ? $"expected one of: {string.Join(", ", allowed)}" : "see containerlab's topology reference for the keys it accepts";
        return Error(keyNode, $"unknown key \"{key}\" in {what} (containerlab rejects unknown keys; {hint})", "ClabTopologyUnknownKey");
    }

    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }

    public string? String(YamlNode node, string what)
    {
        if (IsNull(node)) return null;
        if (node is YamlScalarNode s) return s.Value ?? "";
        throw Error(node, $"{what} must be a string, found {Describe(node)}", "ClabTopologyWrongType");
    }

    public int? Int(YamlNode node, string what)
    {
        if (IsNull(node)) return null;
        if (node is YamlScalarNode { Value: { } v } && TryParseInt(v, out var i) && i is >= int.MinValue and <= int.MaxValue) return (int)i;
        throw Error(node, $"{what} must be an integer, found {Describe(node)}", "ClabTopologyWrongType");
    }

    public double? Double(YamlNode node, string what)
    {
        if (IsNull(node)) return null;
        if (node is YamlScalarNode { Value: { } v } && TryParseDouble(v, out var d)) return d;
        throw Error(node, $"{what} must be a number, found {Describe(node)}", "ClabTopologyWrongType");
    }

    public bool? Bool(YamlNode node, string what)
    {
        if (IsNull(node)) return null;
        if (node is YamlScalarNode { Value: { } v } && TryParseBool(v, out var b)) return b;
        throw Error(node, $"{what} must be true or false, found {Describe(node)}", "ClabTopologyWrongType");
    }

    public List<string>? StringList(YamlNode node, string what)
    {
        if (IsNull(node)) return null;
        if (node is not YamlSequenceNode seq) throw Error(node, $"{what} must be a list of strings, found {Describe(node)}", "ClabTopologyWrongType");
        return seq.Children.Select(item => item is YamlScalarNode s && !IsNull(s) ? s.Value ?? "" :
            IsNull(item) ? "" : throw Error(item, $"each entry of {what} must be a string, found {Describe(item)}", "ClabTopologyWrongType")).ToList();
    }

    public Dictionary<string, string>? StringMap(YamlNode node, string what)
    {
        if (IsNull(node)) return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, _, value) in Pairs(node, what))
        {
            result[key] = value switch
            {
                _ when IsNull(value) => "",
                YamlScalarNode s => s.Value ?? "",
                _ => throw Error(value, $"{what}.{key} must be a string, found {Describe(value)}", "ClabTopologyWrongType"),
            };
        }
        return result;
    }

    /// <summary>A value as plain .NET data: null, bool, long, double, string, List&lt;object?&gt;, Dictionary&lt;string, object?&gt;.</summary>
    public object? Plain(YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode s:
                return ResolveScalar(s);
            case YamlSequenceNode seq:
                return seq.Children.Select(Plain).ToList();
            default:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, _, value) in Pairs(node, "a mapping")) map[key] = Plain(value);
                return map;
        }
    }

    /// <summary>YAML 1.1 resolution of a scalar as go-yaml v2 does it (quoted scalars stay strings).</summary>
    public static object? ResolveScalar(YamlScalarNode s)
    {
        if (s.Style is not (ScalarStyle.Plain or ScalarStyle.Any)) return s.Value ?? "";
        if (IsNull(s)) return null;
        var v = s.Value!;
        if (TryParseBool(v, out var b)) return b;
        if (TryParseInt(v, out var i)) return i;
        if (TryParseDouble(v, out var d) && LooksLikeFloat(v)) return d;
        return v;
    }

    private static bool LooksLikeFloat(string v) =>
        v is ".inf" or "-.inf" or "+.inf" or ".Inf" or ".INF" or "-.Inf" or "-.INF" or ".nan" or ".NaN" or ".NAN" ||
        System.Text.RegularExpressions.Regex.IsMatch(v, @"^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$") ||
        System.Text.RegularExpressions.Regex.IsMatch(v, @"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$");

    public static bool TryParseBool(string v, out bool value)
    {
        switch (v)
        {
            case "y" or "Y" or "yes" or "Yes" or "YES" or "true" or "True" or "TRUE" or "on" or "On" or "ON":
                value = true; return true;
            case "n" or "N" or "no" or "No" or "NO" or "false" or "False" or "FALSE" or "off" or "Off" or "OFF":
                value = false; return true;
            default:
                value = false; return false;
        }
    }

    public static bool TryParseInt(string v, out long value)
    {
        value = 0;
        var t = v.Replace("_", "");
        var negative = t.StartsWith('-');
        if (t.StartsWith('-') || t.StartsWith('+')) t = t[1..];
        bool ok;
        if (t.StartsWith("0x", StringComparison.Ordinal)) ok = long.TryParse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        else if (t.StartsWith("0b", StringComparison.Ordinal)) { ok = t.Length > 2 && t[2..].All(c => c is '0' or '1'); value = ok ? Convert.ToInt64(t[2..], 2) : 0; }
        else if (t.Length > 1 && t[0] == '0' && t.All(char.IsDigit)) { ok = t.All(c => c is >= '0' and <= '7'); value = ok ? Convert.ToInt64(t, 8) : 0; }
        else ok = t.Length > 0 && t.All(char.IsAsciiDigit) && long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok) { value = 0; return false; }
        if (negative) value = -value;
        return true;
    }

    public static bool TryParseDouble(string v, out double value)
    {
        switch (v)
        {
            case ".inf" or "+.inf" or ".Inf" or "+.Inf" or ".INF" or "+.INF": value = double.PositiveInfinity; return true;
            case "-.inf" or "-.Inf" or "-.INF": value = double.NegativeInfinity; return true;
            case ".nan" or ".NaN" or ".NAN": value = double.NaN; return true;
        }
        if (TryParseInt(v, out var l)) { value = l; return true; }
        return double.TryParse(v.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
