using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using BgpLab.Engine.Clab;

namespace BgpLab.Clab;

/// <summary>Completes deployed lab names (from the Docker engine's labels).</summary>
public sealed class ClabLabNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var labs = ClabCompletion.Labs(null);
        return labs.Select(l => l.Name).Where(n => n.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, $"lab {n}"));
    }
}

/// <summary>Completes node names of the lab given in -Lab (or of every lab).</summary>
public sealed class ClabNodeNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var lab = fakeBoundParameters.Contains("Lab") ? fakeBoundParameters["Lab"]?.ToString() : null;
        return ClabCompletion.Labs(lab).SelectMany(l => l.Nodes).Select(n => n.Name).Distinct()
            .Where(n => n.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase)).Order()
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, $"node {n}"));
    }
}

internal static class ClabCompletion
{
    /// <summary>Labs for completion: a short bounded call, nothing when the engine is unreachable.</summary>
    public static IReadOnlyList<ClabLab> Labs(string? lab)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            return new ClabInspector().GetLabsAsync(lab, timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            return [];
        }
    }
}
