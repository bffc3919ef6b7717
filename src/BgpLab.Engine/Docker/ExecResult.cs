namespace BgpLab.Engine.Docker;

/// <summary>The outcome of one command run in a container (argv, never a shell string).</summary>
public sealed class ExecResult
{
    public required string Container { get; init; }
    public required IReadOnlyList<string> Command { get; init; }
    public required long ExitCode { get; init; }
    public required string Stdout { get; init; }
    public required string Stderr { get; init; }
    public required TimeSpan Duration { get; init; }
    public bool Succeeded => ExitCode == 0;

    /// <summary>The argv as a readable line, quoting only what needs it.</summary>
    public string CommandLine => ArgvText.Join(Command);
}

public static class ArgvText
{
    public static string Join(IEnumerable<string> argv) =>
        string.Join(' ', argv.Select(a => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./:=,@%+".Contains(c))
            ? a : "'" + a.Replace("'", "'\\''") + "'"));
}
