using System.Collections;
using System.Management.Automation;

namespace BgpLab.Clab;

/// <summary>Conversions shared by the Clab cmdlets: PowerShell hashtables to plain engine data.</summary>
internal static class ClabCmdletSupport
{
    /// <summary>The process environment overlaid with the user's -Environment entries ($null unsets one).</summary>
    public static IReadOnlyDictionary<string, string?> Environment(Hashtable? overrides)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables()) result[(string)e.Key] = (string?)e.Value;
        if (overrides is not null)
            foreach (DictionaryEntry e in overrides) result[e.Key.ToString()!] = Unwrap(e.Value)?.ToString();
        return result;
    }

    public static object? Unwrap(object? value) => value is PSObject p ? p.BaseObject : value;

    /// <summary>A hashtable (possibly nested, with arrays) as string-keyed plain data.</summary>
    public static Dictionary<string, object?> ToPlain(IDictionary table)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in table) result[e.Key.ToString()!] = PlainValue(e.Value);
        return result;
    }

    private static object? PlainValue(object? value) => Unwrap(value) switch
    {
        null => null,
        string s => s,
        IDictionary d => ToPlain(d),
        IEnumerable list => list.Cast<object?>().Select(PlainValue).ToList(),
        bool or long or double => Unwrap(value),
        int i => (long)i,
        var other => other.ToString(),
    };

    public static Dictionary<string, string>? ToStringMap(IDictionary? table)
    {
        if (table is null) return null;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in table) result[e.Key.ToString()!] = Unwrap(e.Value)?.ToString() ?? "";
        return result;
    }
}
