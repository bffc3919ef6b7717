using BgpLab.Engine.Common;

namespace BgpLab.Engine.Clab;

/// <summary>
/// A topology file containerlab would reject: bad YAML, an unknown key, a wrong value type, a link that
/// cannot be read. The message starts with <c>file:line:column:</c> so editors and users can jump to it.
/// </summary>
public sealed class ClabTopologyException : BgpLabException
{
    public ClabTopologyException(SourcePosition position, string problem, string errorId = "ClabTopologyInvalid",
        FailureKind kind = FailureKind.InvalidData, Exception? inner = null)
        : base($"{position}: {problem}", errorId, kind, position.File, inner)
    {
        Position = position;
        Problem = problem;
    }

    /// <summary>Where in the file the problem is.</summary>
    public SourcePosition Position { get; }

    /// <summary>The message without the position prefix.</summary>
    public string Problem { get; }
}
