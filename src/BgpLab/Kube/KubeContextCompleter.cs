using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using BgpLab.Engine.Kube;

namespace BgpLab.Kube;

/// <summary>Completes -Context with the contexts of the kubeconfig given by -Kubeconfig (or the default one).</summary>
public sealed class KubeContextCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var kubeconfig = fakeBoundParameters["Kubeconfig"] as string;
        return KubeConnection.ContextNames(kubeconfig)
            .Where(c => c.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase))
            .Select(c => new CompletionResult(c, c, CompletionResultType.ParameterValue, c));
    }
}
