namespace BgpLab.Engine.Clab;

/// <summary>How bad a finding is: errors make containerlab (or the deploy) fail; warnings are likely mistakes.</summary>
public enum ClabFindingSeverity
{
    Error,
    Warning,
    Information,
}

/// <summary>One problem found in a topology, with where it is (file, line, column) and a stable rule id.</summary>
public sealed class ClabTopologyFinding
{
    public required ClabFindingSeverity Severity { get; init; }

    /// <summary>Stable id of the rule, e.g. Schema, UnknownLinkNode, DuplicateEndpoint, InterfaceNameTooLong.</summary>
    public required string RuleId { get; init; }

    public required string Message { get; init; }

    /// <summary>The file (or the in-memory topology's name when it has no file).</summary>
    public string? File { get; init; }

    /// <summary>1-based line, 0 when unknown (in-memory topologies).</summary>
    public int Line { get; init; }

    /// <summary>1-based column, 0 when unknown.</summary>
    public int Column { get; init; }

    /// <summary>Where in the document: a JSON pointer (/topology/nodes/r1/image) or an object name.</summary>
    public string? Target { get; init; }

    public string Location => Line > 0 ? $"{File}:{Line}:{Column}" : File ?? "";

    public override string ToString() => $"{Location}: {Severity.ToString().ToLowerInvariant()} {RuleId}: {Message}";

    internal static ClabTopologyFinding At(SourcePosition? position, string? file, ClabFindingSeverity severity, string ruleId, string message, string? target) => new()
    {
        Severity = severity,
        RuleId = ruleId,
        Message = message,
        File = position?.File ?? file,
        Line = position?.Line ?? 0,
        Column = position?.Column ?? 0,
        Target = target,
    };
}
