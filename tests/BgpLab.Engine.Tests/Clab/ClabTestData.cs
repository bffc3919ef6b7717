namespace BgpLab.Engine.Tests.Clab;

/// <summary>Paths of the shared reference data (../shared from the repository root).</summary>
internal static class ClabTestData
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BgpLab.psd1"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>../shared from the repository root; from a worktree nested one level deeper, the nearest "shared" above it.</summary>
    public static string Shared
    {
        get
        {
            for (var dir = Directory.GetParent(RepoRoot); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "scenario"))) return candidate;
            }
            throw new InvalidOperationException("no shared/scenario directory above " + RepoRoot);
        }
    }

    public static string ScenarioTopology => Path.Combine(Shared, "scenario", "topo.yaml");

    public static string ExamplesDirectory => Path.Combine(Shared, "reference", "containerlab", "examples");

    public static IEnumerable<object[]> ExampleTopologies =>
        Directory.GetFiles(ExamplesDirectory, "*.clab.yml", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => new object[] { Path.GetRelativePath(ExamplesDirectory, f) });

    /// <summary>An environment with nothing set, so tests do not depend on the machine's variables.</summary>
    public static IReadOnlyDictionary<string, string?> NoEnvironment { get; } = new Dictionary<string, string?>();
}
