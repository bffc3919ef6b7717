using System.Text;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Clab;

/// <summary>
/// Splits a command line into argv the way containerlab does (google/shlex): whitespace separates words,
/// single quotes are literal, double quotes allow backslash escapes, a backslash outside quotes escapes
/// the next character, and '#' at the start of a word begins a comment. No shell is involved.
/// </summary>
public static class ShellWords
{
    public static IReadOnlyList<string> Split(string line, string? context = null)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(word.ToString()); word.Clear(); inWord = false; }
                continue;
            }
            if (c == '#' && !inWord) break;
            inWord = true;
            switch (c)
            {
                case '\\':
                    if (++i >= line.Length) throw Unterminated("escape", line, context);
                    word.Append(line[i]);
                    break;
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    if (close < 0) throw Unterminated("single quote", line, context);
                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    for (i++; ; i++)
                    {
                        if (i >= line.Length) throw Unterminated("double quote", line, context);
                        if (line[i] == '"') break;
                        if (line[i] == '\\' && i + 1 < line.Length) i++;
                        word.Append(line[i]);
                    }
                    break;
                default:
                    word.Append(c);
                    break;
            }
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    private static BgpLabException Unterminated(string what, string line, string? context) =>
        new($"Unterminated {what} in command '{line}'{(context is null ? "" : " of " + context)}.", "CommandSyntax", FailureKind.InvalidData, line);
}
