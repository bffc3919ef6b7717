using System.Collections;
using System.Text;

namespace BgpLab.Engine.Clab;

/// <summary>
/// Containerlab's environment expansion of a topology file (hellt/envsubst <c>BytesRestrictedNoReplace</c>
/// with noDigit and noReplace, as core/file.go calls it), applied to the whole text before YAML parsing:
/// <list type="bullet">
/// <item><c>$VAR</c> and <c>${VAR}</c> expand; an unset or empty variable is written back as <c>$VAR</c>
/// (so <c>${VAR}</c> becomes <c>$VAR</c>, exactly like containerlab).</item>
/// <item><c>${VAR:-x}</c>/<c>${VAR:=x}</c>: x when VAR is unset or empty; <c>${VAR-x}</c>/<c>${VAR=x}</c>: x when
/// unset; <c>${VAR+x}</c>/<c>${VAR:+x}</c>: x when set, else empty. Nothing is assigned.</item>
/// <item><c>$$</c> is a literal <c>$</c>; <c>$1</c>/<c>${1}</c> (digits) are left alone.</item>
/// <item>A <c>${</c> without a closing brace on its line is an error ("closing brace expected").</item>
/// </list>
/// It also returns, for every character of the output, the index of the input character it came from,
/// so parser positions map back to the file as written.
/// </summary>
public static class ClabEnvironmentExpander
{
    /// <summary>The result: expanded text and, per output character, its source index in the input.</summary>
    public sealed record Expansion(string Text, int[] SourceIndex);

    /// <summary>A <c>${</c> that is not closed on its line; <see cref="Index"/> is the input index of the <c>$</c>.</summary>
    public sealed class UnclosedBraceException(int index) : Exception("closing brace expected")
    {
        public int Index { get; } = index;
    }

    /// <summary>The process environment as a lookup (what containerlab sees).</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables()) result[(string)e.Key] = (string?)e.Value;
        return result;
    }

    public static string ExpandText(string input, IReadOnlyDictionary<string, string?>? environment = null) =>
        Expand(input, environment).Text;

    /// <summary>Expands <paramref name="input"/>; a null value in <paramref name="environment"/> means unset.</summary>
    public static Expansion Expand(string input, IReadOnlyDictionary<string, string?>? environment = null)
    {
        environment ??= ProcessEnvironment();
        var output = new StringBuilder(input.Length);
        var map = new List<int>(input.Length);
        void Emit(string s, int sourceIndex, bool verbatim)
        {
            for (var k = 0; k < s.Length; k++)
            {
                output.Append(s[k]);
                map.Add(verbatim ? sourceIndex + k : sourceIndex);
            }
        }

        var i = 0;
        while (i < input.Length)
        {
            var c = input[i];
            if (c != '$' || i + 1 >= input.Length)
            {
                Emit(c.ToString(), i, true);
                i++;
                continue;
            }
            var next = input[i + 1];
            if (char.IsDigit(next))
            {
                Emit(input.Substring(i, 2), i, true);
                i += 2;
            }
            else if (next == '$')
            {
                Emit("$", i + 1, true);
                i += 2;
            }
            else if (next == '{')
            {
                if (i + 2 < input.Length && char.IsDigit(input[i + 2]))
                {
                    Emit(input.Substring(i, 3), i, true);
                    i += 3;
                    continue;
                }
                var end = i + 2;
                while (end < input.Length && input[end] != '}' && input[end] != '\n' && input[end] != '\r') end++;
                if (end >= input.Length || input[end] != '}') throw new UnclosedBraceException(i);
                var value = Substitute(input.Substring(i + 2, end - i - 2), environment);
                if (value is null) Emit(input.Substring(i, end + 1 - i), i, true);
                else Emit(value, i, false);
                i = end + 1;
            }
            else if (IsNameChar(next))
            {
                var end = i + 1;
                while (end < input.Length && IsNameChar(input[end])) end++;
                var name = input.Substring(i + 1, end - i - 1);
                if (name == "_")
                {
                    Emit(input.Substring(i, end - i), i, true);
                }
                else
                {
                    var value = Lookup(environment, name, out _);
                    if (string.IsNullOrEmpty(value)) Emit(input.Substring(i, end - i), i, true);
                    else Emit(value, i, false);
                }
                i = end;
            }
            else
            {
                Emit("$", i, true);
                i++;
            }
        }
        return new Expansion(output.ToString(), map.ToArray());
    }

    private static bool IsNameChar(char c) => c == '_' || char.IsLetterOrDigit(c);

    private static string? Lookup(IReadOnlyDictionary<string, string?> environment, string name, out bool isSet)
    {
        isSet = environment.TryGetValue(name, out var value) && value is not null;
        return isSet ? value : null;
    }

    /// <summary>The text of <c>${body}</c>, or null to leave the expression exactly as written.</summary>
    private static string? Substitute(string body, IReadOnlyDictionary<string, string?> environment)
    {
        // envsubst only treats it as a substitution when a name follows "${" directly.
        var n = 0;
        while (n < body.Length && IsNameChar(body[n])) n++;
        if (n == 0) return null;
        var name = body[..n];
        if (name == "_") return null; // envsubst never treats a lone "_" as a name
        var rest = body[n..];
        var value = Lookup(environment, name, out var isSet);
        string Plain() => string.IsNullOrEmpty(value) ? "$" + name : value;
        if (rest.Length == 0) return Plain();

        string op;
        if (rest.StartsWith(":-", StringComparison.Ordinal) || rest.StartsWith(":=", StringComparison.Ordinal) ||
            rest.StartsWith(":+", StringComparison.Ordinal)) op = rest[..2];
        else if (rest[0] is '-' or '=' or '+') op = rest[..1];
        else return Plain(); // e.g. ${VAR/x}: envsubst ignores what follows the name
        var fallback = rest[op.Length..];
        if (fallback.Length == 0) return Plain(); // an operator without a default behaves like ${VAR}
        // A default that is just "$NAME" is itself a variable; anything else is literal text.
        if (fallback[0] == '$' && fallback.Length > 1 && fallback.Skip(1).All(IsNameChar))
        {
            var inner = Lookup(environment, fallback[1..], out _);
            fallback = string.IsNullOrEmpty(inner) ? fallback : inner;
        }
        return op switch
        {
            ":-" or ":=" => string.IsNullOrEmpty(value) ? fallback : value,
            "+" or ":+" => isSet ? fallback : "",
            _ => isSet ? Plain() : fallback,
        };
    }
}
