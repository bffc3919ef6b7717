using BgpLab.Engine.Clab;

namespace BgpLab.Engine.Tests.Clab;

public class ClabTopologyLoaderTests
{
    private static ClabTopology Parse(string yaml, IReadOnlyDictionary<string, string?>? env = null) =>
        ClabTopologyLoader.Parse(yaml.ReplaceLineEndings("\n"), "t.clab.yml", env ?? ClabTestData.NoEnvironment);

    private static ClabTopologyException ParseFails(string yaml) =>
        Assert.Throws<ClabTopologyException>(() => Parse(yaml));

    [Fact]
    public void ScenarioHasSevenNodesSixLinksAndBashFromKinds()
    {
        var t = ClabTopologyLoader.Load(ClabTestData.ScenarioTopology, ClabTestData.NoEnvironment);
        Assert.Equal("bgp-cplane-demo", t.Name);
        Assert.Equal(["router0", "tor0", "tor1", "server0", "server1", "server2", "server3"], t.Nodes.Select(n => n.Name));
        Assert.Equal(6, t.Links.Count);
        Assert.All(t.Nodes, n => Assert.Equal("bash", n.Effective.Cmd));
        Assert.All(t.Nodes, n => Assert.Null(n.Own.Cmd));
        Assert.Equal(["container:control-plane", "container:worker", "container:worker2", "container:worker3"],
            t.Nodes.Where(n => n.Name.StartsWith("server")).Select(n => n.NetworkMode));
        Assert.Equal("control-plane", t.FindNode("server0")!.NetworkModeContainer);
        Assert.Equal("clab-bgp-cplane-demo-router0", t.FindNode("router0")!.ContainerName);
        Assert.Equal("frr", t.FindNode("tor1")!.Effective.Labels!["app"]);
        Assert.Equal(7, t.FindNode("router0")!.Effective.Exec!.Count);
        Assert.StartsWith("vtysh -c 'conf t' -c 'router bgp 65000'", t.FindNode("router0")!.Effective.Exec![6]);
        var first = t.Links[0];
        Assert.True(first.IsBrief);
        Assert.Equal("router0:net0 <-> tor0:net0", first.ToString());
        Assert.Equal(new SourcePosition(ClabTestData.ScenarioTopology, 124, 17), first.Endpoints[0].Position);
        Assert.Equal(9, t.FindNode("router0")!.Position!.Line);
        Assert.Equal(Path.Combine(ClabTestData.Shared, "scenario", "clab-bgp-cplane-demo"), t.LabDirectory);
    }

    [Fact]
    public void ScalarsComeFromTheMostSpecificLevelThatSetsThem()
    {
        var t = Parse("""
            name: inh
            topology:
              defaults: {kind: linux, image: d:1, cmd: dcmd, user: duser, hostname: dhost}
              kinds:
                linux: {image: k:1, cmd: kcmd, user: kuser}
              groups:
                g: {image: g:1, cmd: ""}
              nodes:
                a: {group: g, image: a:1}
                b: {group: g}
                c: {}
                d:
            """);
        var a = t.FindNode("a")!.Effective;
        Assert.Equal(("linux", "g", "a:1", "kcmd", "kuser", "dhost"), (a.Kind, a.Group, a.Image, a.Cmd, a.User, a.Hostname));
        Assert.Equal("g:1", t.FindNode("b")!.Image);
        Assert.Equal("kcmd", t.FindNode("b")!.Effective.Cmd); // "" in the group counts as unset
        Assert.Equal("k:1", t.FindNode("c")!.Image);
        Assert.Equal("k:1", t.FindNode("d")!.Image);
        Assert.Null(t.FindNode("c")!.Effective.Group);
    }

    [Fact]
    public void KindAndGroupResolveLikeContainerlab()
    {
        var t = Parse("""
            name: kg
            topology:
              defaults: {group: dg}
              kinds:
                nokia_srlinux: {group: spines, image: srl}
                linux: {image: alpine}
              groups:
                dg: {kind: linux}
                spines: {labels: {role: spine}}
                leaves: {kind: nokia_srlinux}
              nodes:
                n1: {kind: nokia_srlinux}
                n2: {}
                n3: {group: leaves}
            """);
        // kind from the node; group from kinds[kind].group
        Assert.Equal(("nokia_srlinux", "spines", "spine"), (t.FindNode("n1")!.Kind, t.FindNode("n1")!.Group, t.FindNode("n1")!.Effective.Labels!["role"]));
        // kind from the defaults' group; group from defaults.group
        Assert.Equal(("linux", "dg", "alpine"), (t.FindNode("n2")!.Kind, t.FindNode("n2")!.Group, t.FindNode("n2")!.Image));
        // kind from the node's own group
        Assert.Equal(("nokia_srlinux", "leaves", "srl"), (t.FindNode("n3")!.Kind, t.FindNode("n3")!.Group, t.FindNode("n3")!.Image));
    }

    [Fact]
    public void MapsMergePerKeyAndListsConcatenateWithoutDuplicates()
    {
        var t = Parse("""
            name: merge
            topology:
              defaults:
                env: {A: d, B: d}
                exec: [one, two]
                cap-add: [NET_ADMIN]
                binds: [/d/conf:/etc/conf, /d/log:/var/log:ro]
                ports: ["80:80"]
              kinds:
                linux:
                  env: {B: k, C: k}
                  exec: [two, three]
                  binds: [/k/conf:/etc/conf]
              groups:
                g:
                  env: {C: g}
                  exec: [one, four]
                  cap-add: [NET_ADMIN, SYS_ADMIN]
              nodes:
                n:
                  kind: linux
                  group: g
                  env: {D: n}
                  exec: [five, three]
                  binds: [/n/data:/data]
                  ports: ["8080:80"]
            """);
        var e = t.FindNode("n")!.Effective;
        Assert.Equal(new Dictionary<string, string> { ["A"] = "d", ["B"] = "k", ["C"] = "g", ["D"] = "n" }, e.Env);
        Assert.Equal(["one", "two", "three", "four", "five"], e.Exec);
        Assert.Equal(["NET_ADMIN", "SYS_ADMIN"], e.CapAdd);
        // by container path, more specific wins, sorted
        Assert.Equal(["/d/log:/var/log:ro", "/k/conf:/etc/conf", "/n/data:/data"], e.Binds);
        Assert.Equal(["8080:80"], e.Ports); // ports are a scalar-like field: first level wins, no merge
        Assert.Equal(["five", "three"], t.FindNode("n")!.Own.Exec);
    }

    [Fact]
    public void VolumesDeduplicateByContainerPathAndBadMountsNameTheirLine()
    {
        var t = Parse("""
            name: vol
            topology:
              defaults: {volumes: ["data:/data", "/cache", "logs:/var/log:ro"]}
              nodes:
                n: {kind: linux, volumes: ["mine:/data"]}
            """);
        Assert.Equal(["/cache", "logs:/var/log:ro", "mine:/data"], t.FindNode("n")!.Effective.Volumes);
        var e = ParseFails("name: v\ntopology:\n  nodes:\n    n:\n      binds:\n        - /etc/hosts:/etc/hosts\n        - /just-a-path\n");
        Assert.Equal((7, 11, "ClabTopologyBadBind"), (e.Position.Line, e.Position.Column, e.ErrorId));
        e = ParseFails("name: v\ntopology:\n  nodes:\n    n: {volumes: [\"/host:/data\"]}\n");
        Assert.Contains("host paths belong in binds", e.Message);
    }

    [Fact]
    public void BriefAndExtendedLinksReadTheSame()
    {
        var t = Parse("""
            name: links
            topology:
              nodes: {a: {kind: linux}, b: {kind: linux}}
              links:
                - endpoints: ["a:eth1", "b:eth1"]
                  mtu: 1500
                  ipv4: ["10.0.0.1/31", "10.0.0.2/31"]
                - type: veth
                  mtu: 9000
                  endpoints:
                    - node: a
                      interface: eth2
                      mac: aa:c1:ab:00:00:01
                      ipv4: 10.0.1.1/31
                    - {node: b, interface: eth2}
                - type: host
                  host-interface: a-host
                  endpoint: {node: a, interface: eth3}
                - endpoints: ["b:eth3", "host:b-host"]
            """);
        Assert.Equal(4, t.Links.Count);
        Assert.True(t.Links[0].IsBrief);
        Assert.Equal(["10.0.0.1/31", "10.0.0.2/31"], t.Links[0].IPv4);
        Assert.Equal(1500, t.Links[0].Mtu);
        Assert.Equal("veth", t.Links[1].Type);
        Assert.Equal("a:eth2 <-> b:eth2", t.Links[1].ToString());
        Assert.Equal("aa:c1:ab:00:00:01", t.Links[1].Endpoints[0].Mac);
        Assert.Equal("10.0.1.1/31", t.Links[1].Endpoints[0].IPv4);
        Assert.Equal(new SourcePosition("t.clab.yml", 11, 11), t.Links[1].Endpoints[0].Position);
        Assert.Equal("host", t.Links[2].Type);
        Assert.Equal("a-host", t.Links[2].Extra["host-interface"]);
        Assert.Single(t.Links[2].Endpoints);
        Assert.Equal(("host", "b-host"), (t.Links[3].Endpoints[1].Node, t.Links[3].Endpoints[1].Interface));
    }

    [Theory]
    [InlineData("${IMG}", "frr:9")]
    [InlineData("$IMG", "frr:9")]
    [InlineData("${MISSING}", "$MISSING")]           // unset without default: containerlab writes $NAME back
    [InlineData("$MISSING-x", "$MISSING-x")]
    [InlineData("${MISSING:=alpine:3}", "alpine:3")]
    [InlineData("${MISSING:-alpine}", "alpine")]
    [InlineData("${EMPTY:-alpine}", "alpine")]
    [InlineData("${EMPTY-alpine}", "$EMPTY")]         // set (empty) → no default; empty is written back as $NAME
    [InlineData("${IMG:+set}", "set")]
    [InlineData("${MISSING:+set}x", "x")]
    [InlineData("a$$b", "a$b")]
    [InlineData("$1 ${2}", "$1 ${2}")]
    [InlineData("${MISSING:-$IMG}", "frr:9")]
    [InlineData("cost $ 5", "cost $ 5")]
    public void EnvironmentExpandsLikeContainerlab(string written, string expected)
    {
        var env = new Dictionary<string, string?> { ["IMG"] = "frr:9", ["EMPTY"] = "" };
        Assert.Equal(expected, ClabEnvironmentExpander.ExpandText(written, env));
    }

    [Fact]
    public void EnvironmentExpandsInTheFileAndPositionsStayOnTheWrittenColumns()
    {
        var env = new Dictionary<string, string?> { ["LAB"] = "a-much-longer-lab-name", ["IMG"] = "frr:9" };
        var t = Parse("""
            name: ${LAB}
            topology:
              nodes:
                r1: {kind: linux, image: "${IMG}", cmd: "echo $$HOME"}
              links:
                - endpoints: ["${NODE:=r1}:eth1", "r1:eth2"]
            """, env);
        Assert.Equal("a-much-longer-lab-name", t.Name);
        Assert.Equal("frr:9", t.FindNode("r1")!.Image);
        Assert.Equal("echo $HOME", t.FindNode("r1")!.Effective.Cmd);
        Assert.Equal("r1:eth1", t.Links[0].Endpoints[0].ToString());
        Assert.Equal(new SourcePosition("t.clab.yml", 6, 39), t.Links[0].Endpoints[1].Position);
    }

    [Theory]
    [InlineData("name: x\ntopology:\n  nodes:\n    r1:\n      imgae: alpine\n", 5, 7, "unknown key \"imgae\" in node \"r1\"")]
    [InlineData("name: x\ntopology:\n  nodez: {}\n", 3, 3, "unknown key \"nodez\" in topology")]
    [InlineData("name: x\nbogus: 1\ntopology: {nodes: {}}\n", 2, 1, "unknown key \"bogus\" in the top level")]
    [InlineData("name: x\ntopology:\n  nodes:\n    r1: {kind: linux\n", 5, 1, "YAML syntax error")]
    [InlineData("name: x\ntopology:\n  nodes:\n    r1:\n      exec: ip link\n", 5, 13, "exec of node \"r1\" must be a list of strings")]
    [InlineData("name: x\ntopology:\n  nodes:\n    r1: {}\n    r1: {}\n", 5, 5, "duplicate key \"r1\"")]
    [InlineData("name: x\ntopology:\n  nodes: {a: {}}\n  links:\n    - endpoints: [\"a:e1\"]\n", 5, 18, "exactly 2 endpoints")]
    [InlineData("name: x\ntopology:\n  nodes: {a: {}}\n  links:\n    - endpoints: [\"a:e1\", \"b\"]\n", 5, 27, "must be \"node:interface\"")]
    [InlineData("name: x\ntopology:\n  links:\n    - type: veth\n      endpoints: [{node: a, iface: e1}]\n", 5, 29, "unknown key \"iface\" in a link endpoint")]
    [InlineData("name: x\ntopology:\n  links:\n    - type: wire\n", 4, 13, "unknown link type \"wire\"")]
    [InlineData("topology: {nodes: {}}\n", 1, 1, "no \"name\"")]
    [InlineData("name: x\ntopology:\n  nodes: {a: {}}\n  links:\n    - endpoints: [\"a:e1\", \"b:e1\"]\n", 5, 27, "names node \"b\", which is not in topology.nodes")]
    [InlineData("name: x\ntopology:\n  nodes: {a: {}, b: {}}\n  links:\n    - endpoints: [\"a:e1\", \"b:e1\"]\n    - endpoints: [\"b:e2\", \"a:e1\"]\n", 6, 27, "endpoint \"a:e1\" is used by more than one link")]
    [InlineData("name: x\ntopology:\n  nodes:\n    r1:\n      image: ${IMG\n", 5, 14, "closing brace expected")]
    [InlineData("name: x\ntopology:\n  nodes:\n    r1: {startup-delay: soon}\n", 4, 25, "must be an integer")]
    public void BadInputNamesFileLineAndColumn(string yaml, int line, int column, string problem)
    {
        var e = ParseFails(yaml);
        Assert.Equal(new SourcePosition("t.clab.yml", line, column), e.Position);
        Assert.StartsWith($"t.clab.yml:{line}:{column}: ", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void MissingFileIsAnObjectNotFoundError()
    {
        var e = Assert.Throws<BgpLab.Engine.Common.BgpLabException>(() => ClabTopologyLoader.Load("/nonexistent/topo.yaml"));
        Assert.Equal("ClabTopologyFileNotFound", e.ErrorId);
    }

    [Theory]
    [InlineData(null, "clab-lab1-n1")]
    [InlineData("", "n1")]
    [InlineData("__lab-name", "lab1-n1")]
    [InlineData("my", "my-lab1-n1")]
    public void ContainerNamesFollowThePrefix(string? prefix, string expected)
    {
        var prefixLine = prefix is null ? "" : $"prefix: \"{prefix}\"\n";
        var t = Parse($"name: lab1\n{prefixLine}topology:\n  nodes:\n    n1: {{kind: linux}}\n    ext: {{kind: ext-container}}\n");
        Assert.Equal(expected, t.FindNode("n1")!.ContainerName);
        Assert.Equal(expected, t.ContainerNameOf("n1"));
        Assert.Equal("ext", t.FindNode("ext")!.ContainerName);
        Assert.EndsWith("clab-lab1", t.LabDirectory);
    }

    [Fact]
    public void GitVariablesInTheNameComeFromTheTopologyDirectorysRepository()
    {
        var dir = Directory.CreateTempSubdirectory("bgplab-git-").FullName;
        try
        {
            var file = Path.Combine(dir, "lab.clab.yml");
            var yaml = "name: lab-__gitBranch__-__gitHash__\ntopology:\n  nodes: {n: {kind: linux}}\n";
            Assert.Equal("lab-none-none", ClabTopologyLoader.Parse(yaml, file, ClabTestData.NoEnvironment).Name);

            var git = Directory.CreateDirectory(Path.Combine(dir, ".git")).FullName;
            File.WriteAllText(Path.Combine(git, "HEAD"), "ref: refs/heads/feature/test\n");
            Assert.Equal("lab-feature-test-none", ClabTopologyLoader.Parse(yaml, file, ClabTestData.NoEnvironment).Name); // no commit yet
            File.WriteAllText(Path.Combine(git, "packed-refs"), "# pack-refs with: peeled\nabc1234def5678abc1234def5678abc1234def56 refs/heads/feature/test\n");
            Assert.Equal("lab-feature-test-abc1234", ClabTopologyLoader.Parse(yaml, file, ClabTestData.NoEnvironment).Name);
            File.WriteAllText(Path.Combine(git, "HEAD"), "0123456789abcdef0123456789abcdef01234567\n");
            Assert.Equal("lab-HEAD-0123456", ClabTopologyLoader.Parse(yaml, file, ClabTestData.NoEnvironment).Name);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void GitVariablesReadThisRepositoryLikeGitDoes()
    {
        // The repository root holds .git (a directory, or a file in a linked worktree): compare with git itself.
        var root = ClabTestData.RepoRoot;
        var (branch, hash) = ClabGitInfo.Read(root);
        string Git(params string[] args)
        {
            var psi = new System.Diagnostics.ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-C", root }.Concat(args)) psi.ArgumentList.Add(a);
            using var p = System.Diagnostics.Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 ? output : "none"; // not a repository (e.g. an exported tree)
        }
        Assert.Equal(Git("rev-parse", "--abbrev-ref", "HEAD"), branch);
        Assert.Equal(Git("rev-parse", "--short=7", "HEAD"), hash);
    }

    [Fact]
    public void MergeKeysAndAnchorsWork()
    {
        var t = Parse("""
            name: anchors
            topology:
              nodes:
                a: &base {kind: linux, image: alpine, labels: {x: "1"}}
                b:
                  <<: *base
                  image: debian
            """);
        Assert.Equal(("linux", "debian", "1"), (t.FindNode("b")!.Kind, t.FindNode("b")!.Image, t.FindNode("b")!.Effective.Labels!["x"]));
    }

    [Theory]
    [MemberData(nameof(ClabTestData.ExampleTopologies), MemberType = typeof(ClabTestData))]
    public void EveryContainerlabExampleImports(string relativePath)
    {
        var t = ClabTopologyLoader.Load(Path.Combine(ClabTestData.ExamplesDirectory, relativePath), ClabTestData.NoEnvironment);
        Assert.NotEmpty(t.Nodes);
        Assert.NotEmpty(t.Links);
        Assert.All(t.Nodes, n => Assert.False(string.IsNullOrEmpty(n.Kind), $"{n.Name} has no kind"));
    }

    [Fact]
    public void GroupsInheritImageAndKindInTheFrrExample()
    {
        var t = ClabTopologyLoader.Load(Path.Combine(ClabTestData.ExamplesDirectory, "frr01/frr01.clab.yml"), ClabTestData.NoEnvironment);
        var r1 = t.FindNode("router1")!;
        Assert.Equal(("linux", "quay.io/frrouting/frr:10.5.1", "routers"), (r1.Kind, r1.Image, r1.Group));
        Assert.Equal(["router1/daemons:/etc/frr/daemons", "router1/frr.conf:/etc/frr/frr.conf"], r1.Effective.Binds);
        Assert.Equal("wbitt/network-multitool:3.22.2", t.FindNode("PC1")!.Image);
    }
}
