using BgpLab.Engine.Clab;

namespace BgpLab.Engine.Tests.Clab;

public class ClabTopologyWriterTests
{
    private static ClabTopology Reimport(ClabTopology t) =>
        ClabTopologyLoader.Parse(ClabTopologyWriter.ToYaml(t), "export.clab.yml", ClabTestData.NoEnvironment);

    /// <summary>Everything the model holds, as text, for "unchanged" comparisons (positions and paths excluded).</summary>
    private static string Fingerprint(ClabTopology t) => System.Text.Json.JsonSerializer.Serialize(new
    {
        t.Name, t.Prefix, t.Mgmt, t.Defaults, t.Kinds, t.Groups, t.Extra,
        Nodes = t.Nodes.Select(n => new { n.Name, n.Own, n.Effective, n.ContainerName }),
        Links = t.Links.Select(l => new { l.Type, l.Mtu, l.Vars, l.Labels, l.IPv4, l.IPv6, l.Extra, Endpoints = l.Endpoints.Select(e => new { e.Node, e.Interface, e.Mac, e.IPv4, e.IPv6, e.Vars }) }),
    });

    public static IEnumerable<object[]> Files => ClabTestData.ExampleTopologies
        .Select(x => new object[] { Path.Combine(ClabTestData.ExamplesDirectory, (string)x[0]) })
        .Append([ClabTestData.ScenarioTopology]);

    [Theory]
    [MemberData(nameof(Files))]
    public void ExportRoundTripsThroughImportUnchanged(string file)
    {
        var original = ClabTopologyLoader.Load(file, ClabTestData.NoEnvironment);
        var again = Reimport(original);
        Assert.Equal(Fingerprint(original), Fingerprint(again));
        Assert.Equal(ClabTopologyWriter.ToYaml(original), ClabTopologyWriter.ToYaml(again));
        Assert.DoesNotContain(ClabTopologyValidator.Validate(again), f => f.Severity != ClabFindingSeverity.Information);
    }

    [Fact]
    public void EverySettingAndLinkFormRoundTrips()
    {
        var t = ClabTopologyLoader.Parse("""
            name: all
            prefix: ""
            mgmt: {network: m, ipv4-subnet: 172.30.0.0/24, mtu: 1400, external-access: false, driver-opts: {a: "1"}}
            settings: {certificate-authority: {key-size: 2048}}
            topology:
              defaults: {env: {ON: "yes", N: "1"}, dns: {servers: [1.1.1.1], search: [lab]}, cpu: 1.5}
              kinds:
                linux: {cmd: bash, exec: ["echo a: b", "x"], sysctls: {net.ipv4.ip_forward: "1"}}
              groups:
                g: {labels: {tier: "null"}, tmpfs: {/run: size=64m}, security-opts: [apparmor=unconfined]}
              nodes:
                a: {kind: linux, group: g, privileged: true, startup-delay: 3, healthcheck: {test: [CMD, "true"], interval: 2}}
                b:
                c: {kind: linux, network-mode: "container:a", aliases: [bee], stages: {create: {wait-for: [{node: a, stage: healthy}]}}}
              links:
                - endpoints: ["a:eth1", "b:eth1"]
                  mtu: 1500
                  ipv4: ["10.0.0.1/31", ""]
                  vars: {cost: 10}
                - type: veth
                  endpoints:
                    - {node: a, interface: eth2, mac: "aa:c1:ab:00:00:01", vars: {x: [1, 2]}}
                    - {node: b, interface: eth2, ipv4: 10.0.1.2/31}
                  labels: {l: v}
                - type: macvlan
                  host-interface: enp0s3
                  mode: bridge
                  endpoint: {node: a, interface: eth3}
                - type: vxlan
                  remote: 10.0.0.9
                  vni: 100
                  dst-port: 4789
                  endpoint: {node: b, interface: vx0}
                - type: dummy
                  endpoint: {node: b, interface: dummy0}
            """, "all.clab.yml", ClabTestData.NoEnvironment);
        var again = Reimport(t);
        Assert.Equal(Fingerprint(t), Fingerprint(again));
        Assert.Equal("yes", again.Defaults!.Env!["ON"]);
        Assert.Equal("null", again.Groups["g"].Labels!["tier"]);
        Assert.Equal("echo a: b", again.FindNode("a")!.Effective.Exec![0]);
        Assert.Equal(1.5, again.FindNode("b")!.Effective.Cpu);
        Assert.Equal("b", again.FindNode("b")!.ContainerName);
    }

    [Fact]
    public void BuiltTopologyExportsYamlContainerlabAccepts()
    {
        var t = ClabTopologyBuilder.NewTopology("built", mgmtNetwork: "labnet");
        t.Kinds["linux"] = new ClabNodeSettings { Cmd = "bash" };
        ClabTopologyBuilder.AddNode(t, ClabTopologyBuilder.NewNode("r1", kind: "linux", image: "frrouting/frr:v8.2.2"));
        ClabTopologyBuilder.AddNode(t, ClabTopologyBuilder.NewNode("h1", kind: "linux", image: "nicolaka/netshoot:latest", networkMode: "container:r1"));
        ClabTopologyBuilder.AddNode(t, ClabTopologyBuilder.NewNode("r2", kind: "linux", image: "frrouting/frr:v8.2.2", exec: ["ip link set eth1 up"]));
        t.Links.Add(ClabTopologyBuilder.NewLink("r1:eth1", "r2:eth1"));
        Assert.Equal("bash", t.FindNode("r1")!.Effective.Cmd);
        var yaml = ClabTopologyWriter.ToYaml(t);
        Assert.Equal("""
            name: built
            mgmt:
              network: labnet
            topology:
              kinds:
                linux:
                  cmd: bash
              nodes:
                r1:
                  kind: linux
                  image: frrouting/frr:v8.2.2
                h1:
                  kind: linux
                  image: nicolaka/netshoot:latest
                  network-mode: container:r1
                r2:
                  kind: linux
                  image: frrouting/frr:v8.2.2
                  exec:
                    - ip link set eth1 up
              links:
                - endpoints: ["r1:eth1", "r2:eth1"]

            """.ReplaceLineEndings("\n"), yaml);
        var findings = ClabTopologyValidator.ValidateText(yaml, "built.clab.yml", ClabTestData.NoEnvironment);
        Assert.Empty(findings);
        Assert.Equal(Fingerprint(t), Fingerprint(Reimport(t)));
    }

    [Fact]
    public void AddingADuplicateNodeFails()
    {
        var t = ClabTopologyBuilder.NewTopology("dup");
        ClabTopologyBuilder.AddNode(t, ClabTopologyBuilder.NewNode("a", kind: "linux"));
        var e = Assert.Throws<BgpLab.Engine.Common.BgpLabException>(() => ClabTopologyBuilder.AddNode(t, ClabTopologyBuilder.NewNode("a", kind: "linux")));
        Assert.Equal("ClabNodeExists", e.ErrorId);
        Assert.Throws<BgpLab.Engine.Common.BgpLabException>(() => ClabTopologyBuilder.NewLink("a", "b:eth1"));
    }
}
