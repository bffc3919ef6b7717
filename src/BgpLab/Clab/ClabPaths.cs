using System.Management.Automation;
using BgpLab.Engine.Common;

namespace BgpLab.Clab;

/// <summary>Resolves -Path arguments (PowerShell paths, wildcards) to file-system paths.</summary>
internal static class ClabPaths
{
    public static IEnumerable<string> Resolve(PSCmdlet cmdlet, IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            List<string> resolved;
            try
            {
                resolved = cmdlet.GetResolvedProviderPathFromPSPath(path, out var provider).ToList();
                if (provider.Name != "FileSystem")
                    throw new BgpLabException($"{path} is not a file-system path.", "ClabTopologyNotAFile", FailureKind.InvalidArgument, path);
            }
            catch (ItemNotFoundException)
            {
                throw new BgpLabException($"Topology file not found: {path}", "ClabTopologyFileNotFound", FailureKind.ObjectNotFound, path)
                {
                    RecommendedAction = "Check the path; relative paths are resolved from the current location.",
                };
            }
            foreach (var file in resolved) yield return file;
        }
    }

    /// <summary>A path for writing (need not exist yet), resolved from the current location.</summary>
    public static string ForWriting(PSCmdlet cmdlet, string path) =>
        cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
}
