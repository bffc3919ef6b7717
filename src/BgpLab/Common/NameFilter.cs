using System.Management.Automation;
using BgpLab.Engine.Common;

namespace BgpLab.Common;

/// <summary>
/// Filters objects by -Name patterns the PowerShell way: wildcards select silently, while a literal
/// name that matches nothing is a non-terminating ObjectNotFound error (like Get-Process -Name nope).
/// </summary>
public static class NameFilter
{
    public static IEnumerable<T> Apply<T>(IEnumerable<T> items, Func<T, string> nameOf, string[]? patterns, Cmdlet cmdlet, string errorId, string noun)
    {
        var list = items.ToList();
        if (patterns is not { Length: > 0 }) return list;
        var matchers = patterns.Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
        foreach (var literal in patterns.Where(p => !WildcardPattern.ContainsWildcardCharacters(p)))
        {
            if (!list.Any(i => string.Equals(nameOf(i), literal, StringComparison.OrdinalIgnoreCase)))
                cmdlet.WriteError(BgpLabCmdlet.ToErrorRecord(new BgpLabException($"No {noun} named '{literal}' was found.", errorId, FailureKind.ObjectNotFound, literal)));
        }
        return list.Where(i => matchers.Any(m => m.IsMatch(nameOf(i))));
    }
}
