using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BgpLab.Engine.Clab;

/// <summary>
/// A topology file after containerlab's environment expansion, parsed into a YAML tree whose node
/// positions map back to the file as written (line and column before expansion).
/// </summary>
internal sealed class ClabYamlDocument
{
    private readonly string _file;
    private readonly int[] _sourceIndex;
    private readonly int[] _lineStarts;

    private ClabYamlDocument(string file, string original, ClabEnvironmentExpander.Expansion expansion, YamlNode? root)
    {
        _file = file;
        _sourceIndex = expansion.SourceIndex;
        var starts = new List<int> { 0 };
        for (var i = 0; i < original.Length; i++) if (original[i] == '\n') starts.Add(i + 1);
        _lineStarts = starts.ToArray();
        Root = root;
        ExpandedText = expansion.Text;
    }

    /// <summary>The document's root node (null for an empty file).</summary>
    public YamlNode? Root { get; }

    public string ExpandedText { get; }

    public string File => _file;

    /// <summary>Expands and parses; bad YAML or an unclosed <c>${</c> throw <see cref="ClabTopologyException"/>.</summary>
    public static ClabYamlDocument Parse(string text, string file, IReadOnlyDictionary<string, string?>? environment)
    {
        ClabEnvironmentExpander.Expansion expansion;
        try
        {
            expansion = ClabEnvironmentExpander.Expand(text, environment);
        }
        catch (ClabEnvironmentExpander.UnclosedBraceException e)
        {
            var (line, column) = LineColumn(text, e.Index);
            throw new ClabTopologyException(new SourcePosition(file, line, column),
                "environment expansion failed: closing brace expected for \"${\"", "ClabTopologyEnvExpansion", Common.FailureKind.ParserError);
        }
        var identity = new ClabYamlDocument(file, text, expansion, null);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(expansion.Text));
        }
        catch (YamlException e)
        {
            var position = identity.PositionOf(e.Start);
            var message = (e.InnerException is YamlException inner ? inner.Message : e.Message).Trim();
            if (message.StartsWith("Duplicate key", StringComparison.OrdinalIgnoreCase))
            {
                var start = (int)Math.Min(e.Start.Index, expansion.Text.Length);
                var key = new string(expansion.Text[start..].TakeWhile(c => c is not (':' or '\n' or ',' or '}')).ToArray()).Trim();
                throw new ClabTopologyException(position, $"duplicate key \"{key}\" (containerlab rejects a key given twice)", "ClabTopologyDuplicateKey");
            }
            throw new ClabTopologyException(position, $"YAML syntax error: {Describe(message)}", "ClabTopologyYamlSyntax",
                Common.FailureKind.ParserError);
        }
        if (stream.Documents.Count > 1)
        {
            throw new ClabTopologyException(identity.PositionOf(stream.Documents[1].RootNode.Start),
                "a topology file holds one YAML document, this is a second one", "ClabTopologyYamlSyntax", Common.FailureKind.ParserError);
        }
        return new ClabYamlDocument(file, text, expansion, stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode);
    }

    // YamlDotNet messages repeat the position in parentheses; the position is already in front.
    private static string Describe(string message)
    {
        var cut = message.IndexOf("(Line:", StringComparison.Ordinal);
        if (cut > 0) message = message[..cut].TrimEnd();
        return message.TrimEnd('.');
    }

    public SourcePosition PositionOf(YamlNode node) => PositionOf(node.Start);

    public SourcePosition PositionOf(Mark mark)
    {
        var index = (int)Math.Min(mark.Index, int.MaxValue);
        if (_sourceIndex.Length == 0) return new SourcePosition(_file, 1, 1);
        int source;
        if (index < _sourceIndex.Length) source = _sourceIndex[index];
        else source = _sourceIndex[^1] + 1 + (index - _sourceIndex.Length);
        var line = Array.BinarySearch(_lineStarts, source);
        if (line < 0) line = ~line - 1;
        return new SourcePosition(_file, line + 1, source - _lineStarts[line] + 1);
    }

    private static (int Line, int Column) LineColumn(string text, int index)
    {
        int line = 1, column = 1;
        for (var i = 0; i < index && i < text.Length; i++)
        {
            if (text[i] == '\n') { line++; column = 1; }
            else column++;
        }
        return (line, column);
    }
}
