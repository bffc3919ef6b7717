using System.Globalization;
using System.Text.RegularExpressions;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Docker;

/// <summary>Docker's human sizes ("512m", "1GB", "2gib", "1048576"): binary multiples, as docker's RAMInBytes reads them.</summary>
public static partial class DockerSizes
{
    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();

    public static long Parse(string text, string what)
    {
        var match = SizePattern().Match(text);
        if (!match.Success)
            throw new BgpLabException($"{what}: '{text}' is not a size (examples: 512m, 1GB, 2gib).", "InvalidSize", FailureKind.InvalidArgument, text);
        var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var power = "kmgtp".IndexOf(char.ToLowerInvariant(match.Groups[2].Value.FirstOrDefault('\0'))) + 1;
        return (long)(number * Math.Pow(1024, power));
    }
}
