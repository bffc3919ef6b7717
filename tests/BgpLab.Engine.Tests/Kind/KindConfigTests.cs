using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BgpLab.Engine.Common;
using BgpLab.Engine.Kind;
using BgpLab.Testing.KubeApiDouble;

namespace BgpLab.Engine.Tests.Kind;

public sealed class KindConfigTests
{
    private static JsonObject Generic(string yaml) => YamlJson.ReadDocuments(yaml).Single();

    [Fact]
    public void ScenarioClusterRoundTripsToAnEquivalentDocument()
    {
        var original = File.ReadAllText(KindTestData.ScenarioCluster);
        var config = KindConfigYaml.ReadFile(KindTestData.ScenarioCluster);
        var written = KindConfigYaml.Write(config);
        Assert.True(JsonNode.DeepEquals(Generic(original), Generic(written)), written);
        Assert.Equal(written, KindConfigYaml.Write(KindConfigYaml.Read(written)));
    }

    [Fact]
    public void ScenarioClusterHasTheNodesIpsAndLabelsTheReadmeNames()
    {
        var config = KindConfigYaml.ReadFile(KindTestData.ScenarioCluster);
        Assert.Equal("clab-bgp-cplane-demo", config.Name);
        Assert.True(config.Networking.DisableDefaultCNI);
        Assert.Equal("10.1.0.0/16", config.Networking.PodSubnet);
        Assert.Equal(["clab-bgp-cplane-demo-control-plane", "clab-bgp-cplane-demo-worker", "clab-bgp-cplane-demo-worker2", "clab-bgp-cplane-demo-worker3"],
            KindClusters.NodeNames(config, config.EffectiveName));
        var effective = config.Nodes.Select(n => KubeadmPatches.Effective(config, n)).ToList();
        Assert.Equal(["10.0.1.2", "10.0.2.2", "10.0.3.2", "10.0.4.2"], effective.Select(e => e.NodeIP));
        Assert.Equal(["rack0", "rack0", "rack1", "rack1"], effective.Select(e => e.NodeLabels!["rack"]));
        Assert.All(effective, e => Assert.Empty(e.IneffectivePatches));
        var validation = KindConfigValidator.Validate(config);
        Assert.True(validation.IsValid, string.Join("; ", validation.Errors));
        Assert.Contains(validation.Warnings, w => w.Contains("disableDefaultCNI"));
    }

    /// <summary>Every key a parameter-built config writes is a field of kind's own v1alpha4 Go types, at the right place.</summary>
    [Fact]
    public void ParameterBuiltConfigUsesOnlyKindV1Alpha4Fields()
    {
        var config = new KindClusterConfig
        {
            Name = "full",
            Networking = new KindNetworking
            {
                IpFamily = "ipv4", ApiServerAddress = "127.0.0.1", ApiServerPort = 6443, PodSubnet = "10.1.0.0/16", ServiceSubnet = "10.96.0.0/16",
                DisableDefaultCNI = true, KubeProxyMode = "none", DnsSearch = ["lab.local"],
            },
            FeatureGates = new() { ["SomeGate"] = true },
            RuntimeConfig = new() { ["api/alpha"] = "false" },
            KubeadmConfigPatches = ["kind: ClusterConfiguration\napiServer:\n  certSANs: [\"lab\"]\n"],
            KubeadmConfigPatchesJSON6902 = [new KindPatchJson6902 { Group = "kubeadm.k8s.io", Version = "v1beta3", Kind = "ClusterConfiguration", Patch = "- op: add\n  path: /x\n  value: 1\n" }],
            ContainerdConfigPatches = ["[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"x\"\n"],
        };
        config.Nodes.Add(new KindNodeConfig
        {
            Role = "control-plane", Image = "kindest/node:v1.29.2", NodeIP = "10.0.1.2", Labels = new() { ["rack"] = "rack0" },
            ExtraMounts = [new KindMount { HostPath = "/srv", ContainerPath = "/srv", ReadOnly = true, Propagation = "HostToContainer" }],
            ExtraPortMappings = [new KindPortMapping { ContainerPort = 80, HostPort = 8080, ListenAddress = "127.0.0.1", Protocol = "TCP" }],
        });
        config.Nodes.Add(new KindNodeConfig { Role = "worker", NodeIP = "10.0.2.2", Labels = new() { ["rack"] = "rack0" }, LabelsInKubeadmPatch = true });
        Assert.True(KindConfigValidator.Validate(config).IsValid);

        var yaml = KindConfigYaml.Write(config);
        var types = GoTypes(File.ReadAllText(KindTestData.V1Alpha4Types));
        var unknown = new List<string>();
        CheckFields(Generic(yaml), "Cluster", "", types, unknown);
        Assert.Empty(unknown);
        // and kind's strict decoding (our reader) takes it back unchanged
        Assert.Equal(yaml, KindConfigYaml.Write(KindConfigYaml.Read(yaml)));
    }

    /// <summary>struct name → (yaml field → Go type), from kind's types.go (TypeMeta inlined).</summary>
    private static Dictionary<string, Dictionary<string, string>> GoTypes(string source)
    {
        var types = new Dictionary<string, Dictionary<string, string>>();
        foreach (Match s in Regex.Matches(source, @"type (\w+) struct \{(.*?)\n\}", RegexOptions.Singleline))
        {
            var fields = new Dictionary<string, string>();
            foreach (Match f in Regex.Matches(s.Groups[2].Value, @"^\s*(\w+)?\s+([\w\[\]\*\.]+)?\s*`yaml:""([^"",]*)", RegexOptions.Multiline))
                fields[f.Groups[3].Value] = f.Groups[2].Success && f.Groups[2].Value.Length > 0 ? f.Groups[2].Value : f.Groups[1].Value;
            types[s.Groups[1].Value] = fields;
        }
        var cluster = types["Cluster"];
        if (cluster.Remove("", out var inline)) foreach (var (k, v) in types[inline]) cluster[k] = v;
        return types;
    }

    private static void CheckFields(JsonNode? node, string type, string path, Dictionary<string, Dictionary<string, string>> types, List<string> unknown)
    {
        if (!types.TryGetValue(type, out var fields)) return; // scalar or named string type
        if (node is not JsonObject obj) { unknown.Add($"{path}: expected {type}"); return; }
        foreach (var (key, value) in obj)
        {
            if (!fields.TryGetValue(key, out var goType)) { unknown.Add($"{path}.{key}"); continue; }
            if (goType.StartsWith("map[")) continue;
            var element = goType.TrimStart('*');
            if (element.StartsWith("[]"))
            {
                element = element[2..];
                foreach (var item in value?.AsArray() ?? []) CheckFields(item, element, $"{path}.{key}[]", types, unknown);
            }
            else CheckFields(value, element, $"{path}.{key}", types, unknown);
        }
    }

    [Fact]
    public void TypedNodeIpBecomesAnApiVersionlessPatchForTheRightKubeadmConfiguration()
    {
        var config = new KindClusterConfig { Name = "typed" };
        config.Nodes.Add(new KindNodeConfig { Role = "control-plane", NodeIP = "10.0.1.2" });
        config.Nodes.Add(new KindNodeConfig { Role = "worker", NodeIP = "10.0.2.2", Labels = new() { ["rack"] = "rack0" } });
        var doc = Generic(KindConfigYaml.Write(config));
        var cpPatch = doc["nodes"]![0]!["kubeadmConfigPatches"]![0]!.GetValue<string>();
        var workerPatch = doc["nodes"]![1]!["kubeadmConfigPatches"]![0]!.GetValue<string>();
        Assert.Equal("kind: InitConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n    node-ip: \"10.0.1.2\"\n", cpPatch);
        Assert.Equal("kind: JoinConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n    node-ip: \"10.0.2.2\"\n", workerPatch);
        Assert.DoesNotContain("apiVersion", cpPatch + workerPatch);
        // labels go to kind's labels: field, and then never also as node-labels
        Assert.Equal("rack0", doc["nodes"]![1]!["labels"]!["rack"]!.GetValue<string>());
        Assert.DoesNotContain("node-labels", workerPatch);
    }

    [Fact]
    public void KubeadmV1Beta4ImagesGetTheNameValueListForm()
    {
        var node = new KindNodeConfig { Role = "worker", NodeIP = "10.0.2.2", Labels = new() { ["rack"] = "rack1" }, LabelsInKubeadmPatch = true };
        Assert.Equal("v1beta3", KindRenderTarget.ForImage("kindest/node:v1.35.0").KubeadmApiVersion);
        Assert.Equal("v1beta2", KindRenderTarget.ForImage("kindest/node:v1.22.17").KubeadmApiVersion);
        var target = KindRenderTarget.ForImage("kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5");
        Assert.Equal("v1beta4", target.KubeadmApiVersion);
        var patch = KubeadmPatches.ForTypedSettings(node, false, target)!;
        Assert.Equal("kind: JoinConfiguration\nnodeRegistration:\n  kubeletExtraArgs:\n  - name: node-ip\n    value: \"10.0.2.2\"\n  - name: node-labels\n    value: \"rack=rack1\"\n", patch);
        var parsed = KubeadmPatches.Parse(patch)!.Value;
        Assert.Null(parsed.ApiVersion);
        Assert.Equal("10.0.2.2", parsed.Args["node-ip"]);
        Assert.Equal("rack=rack1", parsed.Args["node-labels"]);
        // A node with that image renders the list form even when the cluster target is portable.
        var config = new KindClusterConfig();
        config.Nodes.Add(new KindNodeConfig { Role = "control-plane", Image = "kindest/node:v1.36.1", NodeIP = "10.0.1.2" });
        Assert.Contains("  - name: node-ip", KindConfigYaml.Write(config));
    }

    [Theory]
    [InlineData("nodes:\n- role: control-plane\n  rolee: worker\n", "<config>:5:3: unknown field \"rolee\" in nodes[0]")]
    [InlineData("networking:\n  podSubnet: 10.1.0.0/16\n  disableDefaultCni: true\n", "<config>:5:3: unknown field \"disableDefaultCni\" in networking")]
    [InlineData("nodes:\n- role: worker\n  extraPortMappings:\n  - containerPort: eighty\n", "nodes[0].extraPortMappings[0].containerPort must be an integer")]
    public void StrictDecodingNamesTheLine(string body, string expected)
    {
        var e = Assert.Throws<BgpLabException>(() => KindConfigYaml.Read("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n" + body));
        Assert.Equal("KindConfigInvalid", e.ErrorId);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void WrongApiVersionIsRefused()
    {
        var e = Assert.Throws<BgpLabException>(() => KindConfigYaml.Read("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha3\n"));
        Assert.Contains("apiVersion: kind.x-k8s.io/v1alpha4", e.Message);
    }

    private static List<string> Errors(string yaml) => KindConfigValidator.Validate(KindConfigYaml.Read("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n" + yaml)).Errors;

    [Fact]
    public void TwoControlPlanesWithoutAnHaQuorumAreRefused() =>
        Assert.Contains(Errors("nodes:\n- role: control-plane\n- role: control-plane\n"), e => e.Contains("2 control-plane nodes: an HA control plane needs an odd number"));

    [Fact]
    public void AClusterWithoutControlPlaneIsRefused() =>
        Assert.Contains(Errors("nodes:\n- role: worker\n"), e => e.Contains("at least one control-plane"));

    [Fact]
    public void UnknownRolesAreRefusedWithTheirLine() =>
        Assert.Contains(Errors("nodes:\n- role: control-plane\n- role: master\n"), e => e == "nodes[1] (line 5): role \"master\" is unknown: use control-plane or worker");

    [Theory]
    [InlineData("networking:\n  podSubnet: 10.1.0.0/33\n", "networking.podSubnet \"10.1.0.0/33\" is not a valid CIDR")]
    [InlineData("networking:\n  podSubnet: 10.1.0.0\n", "networking.podSubnet \"10.1.0.0\" is not a valid CIDR")]
    [InlineData("networking:\n  serviceSubnet: fd00::/108\n", "does not fit networking.ipFamily ipv4")]
    [InlineData("networking:\n  podSubnet: 10.96.0.0/12\n  serviceSubnet: 10.96.0.0/16\n", "overlap")]
    [InlineData("networking:\n  ipFamily: ipv5\n", "networking.ipFamily \"ipv5\" is invalid")]
    [InlineData("networking:\n  kubeProxyMode: userspace\n", "kubeProxyMode \"userspace\" is invalid")]
    [InlineData("name: Demo_Cluster\n", "not a valid cluster name")]
    public void BadNetworkingAndNamesAreRefused(string yaml, string expected) =>
        Assert.Contains(Errors(yaml), e => e.Contains(expected));

    [Fact]
    public void DuplicateNodeIpsAreRefusedNamingBothNodes()
    {
        var text = File.ReadAllText(KindTestData.ScenarioCluster).Replace("node-ip: 10.0.4.2", "node-ip: 10.0.3.2");
        var errors = KindConfigValidator.Validate(KindConfigYaml.Read(text, "cluster.yaml")).Errors;
        var error = Assert.Single(errors);
        Assert.StartsWith("nodes[3] (line 33): node-ip 10.0.3.2 is also the node-ip of nodes[2] (line 25)", error);
    }

    [Fact]
    public void LabelsAndANodeLabelsPatchOnOneNodeAreRefused()
    {
        var errors = Errors("nodes:\n- role: control-plane\n  labels:\n    zone: a\n  kubeadmConfigPatches:\n  - |\n    kind: InitConfiguration\n    nodeRegistration:\n      kubeletExtraArgs:\n        node-labels: \"rack=rack0\"\n");
        Assert.Contains(errors, e => e.Contains("replaces labels: instead of merging"));
    }

    [Fact]
    public void APatchForTheWrongKubeadmConfigurationIsAWarning()
    {
        var config = KindConfigYaml.Read("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n  kubeadmConfigPatches:\n  - |\n    kind: InitConfiguration\n    nodeRegistration:\n      kubeletExtraArgs:\n        node-ip: 10.0.2.2\n");
        var result = KindConfigValidator.Validate(config);
        Assert.True(result.IsValid);
        Assert.Contains(result.Warnings, w => w.Contains("InitConfiguration patch setting node-ip has no effect: this node runs kubeadm join"));
        Assert.Null(KubeadmPatches.Effective(config, config.Nodes[1]).NodeIP);
    }

    [Fact]
    public void ValidationErrorsAreReportedTogetherNamingTheFile()
    {
        var config = KindConfigYaml.Read("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  podSubnet: nope\nnodes:\n- role: boss\n", "/tmp/x.yaml");
        config.SourcePath = "/tmp/x.yaml";
        var e = Assert.Throws<BgpLabException>(() => KindConfigValidator.ThrowIfInvalid(config));
        Assert.StartsWith("/tmp/x.yaml is invalid:", e.Message);
        Assert.Contains("podSubnet \"nope\"", e.Message);
        Assert.Contains("role \"boss\" is unknown", e.Message);
        Assert.Contains("at least one control-plane", e.Message);
    }
}
