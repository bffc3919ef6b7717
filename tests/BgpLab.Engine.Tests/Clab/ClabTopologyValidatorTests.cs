using BgpLab.Engine.Clab;

namespace BgpLab.Engine.Tests.Clab;

public class ClabTopologyValidatorTests
{
    private static IReadOnlyList<ClabTopologyFinding> Validate(string yaml) =>
        ClabTopologyValidator.ValidateText(yaml.ReplaceLineEndings("\n"), "v.clab.yml", ClabTestData.NoEnvironment);

    private static ClabTopologyFinding Single(IReadOnlyList<ClabTopologyFinding> findings, string rule)
    {
        var matching = findings.Where(f => f.RuleId == rule).ToList();
        Assert.True(matching.Count == 1, $"expected one {rule} finding, got: {string.Join(" | ", findings)}");
        return matching[0];
    }

    [Theory]
    [MemberData(nameof(ClabTestData.ExampleTopologies), MemberType = typeof(ClabTestData))]
    public void EveryContainerlabExampleValidatesClean(string relativePath)
    {
        var findings = ClabTopologyValidator.ValidateFile(Path.Combine(ClabTestData.ExamplesDirectory, relativePath), ClabTestData.NoEnvironment);
        Assert.True(findings.All(f => f.Severity == ClabFindingSeverity.Information), string.Join("\n", findings));
    }

    [Fact]
    public void ScenarioValidatesWithOnlyExternalContainerNotes()
    {
        var findings = ClabTopologyValidator.ValidateFile(ClabTestData.ScenarioTopology, ClabTestData.NoEnvironment);
        Assert.Equal(4, findings.Count);
        Assert.All(findings, f => Assert.Equal(("ExternalNetworkModeContainer", ClabFindingSeverity.Information), (f.RuleId, f.Severity)));
        Assert.Equal([98, 105, 112, 119], findings.Select(f => f.Line));
        Assert.Contains("clab-bgp-cplane-demo-control-plane", findings[0].Message);
    }

    [Fact]
    public void UnknownKeyIsASchemaErrorAtTheKey()
    {
        var findings = Validate("name: x\ntopology:\n  nodes:\n    r1:\n      kind: linux\n      imgae: alpine\n");
        var schema = findings.First(f => f.RuleId == "Schema");
        Assert.Equal((6, 7), (schema.Line, schema.Column));
        Assert.Contains("unknown key \"imgae\"", schema.Message);
        Assert.Equal("/topology/nodes/r1/imgae", schema.Target);
        Assert.All(findings, f => Assert.Equal(6, f.Line)); // the loader's error at the same place is not repeated
    }

    [Fact]
    public void SchemaChecksValuesTheLoaderAccepts()
    {
        var finding = Single(Validate("name: x\nprefix: \"-bad\"\ntopology:\n  nodes:\n    r1: {kind: linux}\n"), "Schema");
        Assert.Equal((2, 1, "/prefix"), (finding.Line, finding.Column, finding.Target));
    }

    [Fact]
    public void LinkToAnUnknownNode()
    {
        var f = Single(Validate("name: x\ntopology:\n  nodes:\n    a: {kind: linux}\n  links:\n    - endpoints: [\"a:eth1\", \"b:eth1\"]\n"), "UnknownLinkNode");
        Assert.Equal((6, 29, ClabFindingSeverity.Error), (f.Line, f.Column, f.Severity));
        Assert.Contains("\"b\"", f.Message);
    }

    [Fact]
    public void EndpointUsedTwice()
    {
        var f = Single(Validate("""
            name: x
            topology:
              nodes: {a: {kind: linux}, b: {kind: linux}, c: {kind: linux}}
              links:
                - endpoints: ["a:eth1", "b:eth1"]
                - type: veth
                  endpoints:
                    - {node: c, interface: eth1}
                    - {node: a, interface: eth1}
            """), "DuplicateEndpoint");
        Assert.Equal((9, 11), (f.Line, f.Column));
        Assert.Contains("line 5", f.Message);
    }

    [Fact]
    public void HostEndpointsMustBeUniqueButMacvlanParentsMayBeShared()
    {
        var findings = Validate("""
            name: x
            topology:
              nodes: {a: {kind: linux}, b: {kind: linux}}
              links:
                - endpoints: ["a:eth1", "host:veth-a"]
                - endpoints: ["b:eth1", "host:veth-a"]
                - endpoints: ["a:eth2", "macvlan:enp0s3"]
                - endpoints: ["b:eth2", "macvlan:enp0s3"]
            """);
        var f = Single(findings, "DuplicateEndpoint");
        Assert.Equal((6, 29), (f.Line, f.Column));
        Assert.DoesNotContain(findings, x => x.RuleId == "UnknownLinkNode");
    }

    [Fact]
    public void EndpointsOfNodesSharingANamespaceCollide()
    {
        var f = Single(Validate("""
            name: x
            topology:
              nodes:
                a: {kind: linux}
                b: {kind: linux, network-mode: "container:a"}
                c: {kind: linux}
              links:
                - endpoints: ["a:eth1", "c:eth1"]
                - endpoints: ["b:eth1", "c:eth2"]
            """), "NamespaceInterfaceClash");
        Assert.Equal(9, f.Line);
    }

    [Fact]
    public void InterfaceNameLongerThan15Characters()
    {
        var f = Single(Validate("name: x\ntopology:\n  nodes: {a: {kind: linux}, b: {kind: linux}}\n  links:\n    - endpoints: [\"a:eth1\", \"b:a-very-long-name0\"]\n"), "InterfaceNameTooLong");
        Assert.Equal((5, 29), (f.Line, f.Column));
    }

    [Fact]
    public void NetworkModeLoop()
    {
        var findings = Validate("""
            name: x
            topology:
              nodes:
                a: {kind: linux, network-mode: "container:b"}
                b: {kind: linux, network-mode: "container:c"}
                c: {kind: linux, network-mode: "container:a"}
                d: {kind: linux, network-mode: "container:d"}
            """);
        var loops = findings.Where(f => f.RuleId == "NetworkModeLoop").ToList();
        Assert.Equal(2, loops.Count);
        Assert.Equal((4, 22), (loops[0].Line, loops[0].Column));
        Assert.Contains("a -> b -> c -> a", loops[0].Message);
        Assert.Contains("d -> d", loops[1].Message);
    }

    [Fact]
    public void DuplicateNodeNameInAFileAndInMemory()
    {
        var f = Single(Validate("name: x\ntopology:\n  nodes:\n    a: {kind: linux}\n    a: {kind: linux}\n"), "DuplicateKey");
        Assert.Equal(5, f.Line);
        var t = ClabTopologyBuilder.NewTopology("mem");
        t.Nodes.Add(ClabTopologyBuilder.NewNode("n", kind: "linux"));
        t.Nodes.Add(ClabTopologyBuilder.NewNode("n", kind: "linux"));
        Assert.Contains(ClabTopologyValidator.Validate(t), x => x.RuleId == "DuplicateNodeName");
    }

    [Fact]
    public void BadYamlIsOneFindingWithItsPosition()
    {
        var findings = Validate("name: x\ntopology:\n  nodes:\n    r1: [\n");
        var f = Assert.Single(findings);
        Assert.Equal(("YamlSyntax", 5), (f.RuleId, f.Line));
    }

    [Fact]
    public void PortsWithContainerNetworkModeAreRejected()
    {
        var f = Single(Validate("name: x\ntopology:\n  nodes:\n    a: {kind: linux}\n    b: {kind: linux, network-mode: \"container:a\", ports: [\"80:80\"]}\n"), "NetworkModeConflict");
        Assert.Equal(5, f.Line);
    }
}
