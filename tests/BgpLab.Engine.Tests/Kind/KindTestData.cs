using BgpLab.Engine.Tests.Clab;

namespace BgpLab.Engine.Tests.Kind;

internal static class KindTestData
{
    public static string ScenarioCluster => Path.Combine(ClabTestData.Shared, "scenario", "cluster.yaml");

    public static string V1Alpha4Types => Path.Combine(ClabTestData.Shared, "reference", "kind", "v1alpha4-types.go.txt");

    /// <summary>The kind stand-in built beside these tests (same configuration).</summary>
    public static string StandInKind
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
            var path = Path.Combine(ClabTestData.RepoRoot, "tests", "fixtures", "KindStandIn", "bin", configuration, "net10.0", "kind");
            return File.Exists(path) ? path : throw new InvalidOperationException($"the kind stand-in is not built at {path}");
        }
    }
}
