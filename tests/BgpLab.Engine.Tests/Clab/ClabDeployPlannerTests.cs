using BgpLab.Engine.Clab;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Tests.Clab;

public sealed class ClabDeployPlannerTests
{
    private static ClabTopology Parse(string nodes, string links = "") => ClabTopologyLoader.Parse($"""
        name: plan
        topology:
          nodes:
        {nodes}
          links:
        {links}
        """, "plan.clab.yml", new Dictionary<string, string?>());

    [Fact]
    public void NodesSharingANamespaceComeAfterItAndExternalTargetsAreKept()
    {
        var plan = ClabDeployPlanner.Plan(Parse("""
                server: {kind: linux, image: x, network-mode: "container:router"}
                kindnode: {kind: linux, image: x, network-mode: "container:control-plane"}
                router: {kind: linux, image: x}
            """));
        Assert.Equal(["router", "server", "kindnode"], plan.Order.Select(n => n.Name));
        Assert.Equal("router", plan.SharesNamespaceWith["server"]);
        Assert.Equal("control-plane", plan.ExternalNamespace["kindnode"]);
    }

    [Fact]
    public void NamespaceCyclesAreRefusedNamingTheCycle()
    {
        var e = Assert.Throws<BgpLabException>(() => ClabDeployPlanner.Plan(Parse("""
                a: {kind: linux, image: x, network-mode: "container:b"}
                b: {kind: linux, image: x, network-mode: "container:c"}
                c: {kind: linux, image: x, network-mode: "container:a"}
            """)));
        Assert.Equal("NamespaceCycle", e.ErrorId);
        Assert.Contains("a -> b -> c -> a", e.Message);
        Assert.StartsWith("plan.clab.yml:", e.Message);
    }

    [Fact]
    public void InterfaceNamesCollidingInASharedNamespaceAreRefused()
    {
        var e = Assert.Throws<BgpLabException>(() => ClabDeployPlanner.Plan(Parse("""
                a: {kind: linux, image: x}
                b: {kind: linux, image: x, network-mode: "container:a"}
                c: {kind: linux, image: x}
            """, """
              - endpoints: ["a:net0", "c:net0"]
              - endpoints: ["b:net0", "c:net1"]
            """)));
        Assert.Equal("DuplicateInterface", e.ErrorId);
        Assert.Contains("b:net0", e.Message);
    }

    [Theory]
    [InlineData("a: {kind: nokia_srlinux, image: x}", "UnsupportedKind")]
    [InlineData("a: {kind: linux}", "MissingImage")]
    [InlineData("a: {kind: linux, image: x, network-mode: \"container:b\", ports: [\"80:80\"]}\n    b: {kind: linux, image: x}", "PortsInContainerMode")]
    public void UndeployableNodesAreRefusedUpFront(string nodes, string errorId)
    {
        var e = Assert.Throws<BgpLabException>(() => ClabDeployPlanner.Plan(Parse("    " + nodes)));
        Assert.Equal(errorId, e.ErrorId);
    }

    [Fact]
    public void ScenarioPlansItsLinksWithTheDefaultMtu()
    {
        var plan = ClabDeployPlanner.Plan(ClabTopologyLoader.Load(ClabTestData.ScenarioTopology, ClabTestData.NoEnvironment));
        Assert.Equal(6, plan.Links.Count);
        Assert.All(plan.Links, l => Assert.Equal(9500, l.Mtu));
        Assert.Equal(4, plan.ExternalNamespace.Count);
        Assert.Equal("control-plane", plan.ExternalNamespace["server0"]);
    }
}

public sealed class ShellWordsTests
{
    [Theory]
    [InlineData("ip addr add 10.0.0.0/32 dev lo", new[] { "ip", "addr", "add", "10.0.0.0/32", "dev", "lo" })]
    [InlineData("vtysh -c 'conf t' -c ' bgp router-id 10.0.0.0'", new[] { "vtysh", "-c", "conf t", "-c", " bgp router-id 10.0.0.0" })]
    [InlineData("bash -c \"echo \\\"hi\\\" $HOME\"", new[] { "bash", "-c", "echo \"hi\" $HOME" })]
    [InlineData("a\\ b c'd'e \"\" # comment", new[] { "a b", "cde", "" })]
    public void SplitsLikeShlex(string line, string[] argv) => Assert.Equal(argv, ShellWords.Split(line));

    [Fact]
    public void UnterminatedQuotesAreErrors() =>
        Assert.Equal("CommandSyntax", Assert.Throws<BgpLabException>(() => ShellWords.Split("echo 'oops", "node 'a' exec")).ErrorId);
}
