using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Kind;

namespace BgpLab.Kind;

/// <summary>Completes Kind cluster names from the node containers on the Docker engine (io.x-k8s.kind.cluster labels).</summary>
public sealed class KindClusterNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IReadOnlyList<KindCluster> clusters;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            clusters = KindClusters.GetAsync(DockerEngine.Default, null, null, cts.Token).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            return [];
        }
        return clusters.Select(c => c.Name)
            .Where(n => n.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}

/// <summary>Hashtable → string dictionary (labels, runtimeConfig), as the engine's config model wants it.</summary>
internal static class Hashtables
{
    public static Dictionary<string, string> ToStrings(Hashtable? table) =>
        table is null ? new(StringComparer.Ordinal) : table.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? "", StringComparer.Ordinal);

    public static Dictionary<string, bool> ToBools(Hashtable? table) =>
        table is null ? new(StringComparer.Ordinal) : table.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => LanguagePrimitives.IsTrue(e.Value), StringComparer.Ordinal);
}
