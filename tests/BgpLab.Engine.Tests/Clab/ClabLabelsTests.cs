using System.Diagnostics;
using BgpLab.Engine.Clab;

namespace BgpLab.Engine.Tests.Clab;

public sealed class ClabLabelsTests
{
    private static ClabTopology Scenario(string path) => ClabTopologyLoader.Parse(File.ReadAllText(ClabTestData.ScenarioTopology), path, ClabTestData.NoEnvironment);

    [Fact]
    public void DefaultLabelsNameTheLabNodeAndFilesAndOverrideUserLabels()
    {
        var topology = Scenario("/labs/topo.yaml");
        topology.Path = "/labs/topo.yaml";
        var router = topology.FindNode("router0")!;
        var labels = ClabLabels.For(topology, router, "clab-bgp-cplane-demo-router0", "alice", "br-0123456789ab");
        Assert.Equal("bgp-cplane-demo", labels["containerlab"]);
        Assert.Equal("clab-bgp-cplane-demo-router0", labels["clab-node-longname"]);
        Assert.Equal("/labs/clab-bgp-cplane-demo/router0", labels["clab-node-lab-dir"]);
        Assert.Equal("/labs/topo.yaml", labels["clab-topo-file"]);
        Assert.Equal(("alice", "br-0123456789ab", "linux", ""), (labels["clab-owner"], labels["clab-mgmt-net-bridge"], labels["clab-node-kind"], labels["clab-node-group"]));
        Assert.False(labels.ContainsKey("clab-git-hash"));
    }

    [Fact]
    public void GitLabelsAppearWhenTheTopologyFolderIsARepository()
    {
        var dir = Directory.CreateTempSubdirectory("bgplab-git-").FullName;
        try
        {
            foreach (var args in new[] { "init -q -b feature/x", "-c user.email=t@example.org -c user.name=t commit -q --allow-empty -m first" })
            {
                using var git = Process.Start(new ProcessStartInfo("git", $"-C {dir} {args}") { RedirectStandardError = true })!;
                git.WaitForExit();
                Assert.Equal(0, git.ExitCode);
            }
            var path = Path.Combine(dir, "topo.yaml");
            var topology = Scenario(path);
            topology.Path = path;
            var labels = ClabLabels.For(topology, topology.Nodes[0], "x", "o", "br");
            Assert.Equal("feature/x", labels["clab-git-branch"]);
            Assert.Matches("^[0-9a-f]{7}$", labels["clab-git-hash"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
