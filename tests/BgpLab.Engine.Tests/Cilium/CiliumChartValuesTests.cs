using System.Text.Json.Nodes;
using BgpLab.Engine.Cilium;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Tests.Cilium;

public class CiliumChartValuesTests
{
    private static CiliumInstallIntent ScenarioIntent(string? version) =>
        new() { Version = version, EnableBgpControlPlane = true, NativeRoutingCidr = "10.0.0.0/8" };

    [Fact]
    public void Scenario_intent_for_1_12_1_gives_the_scenario_values_file()
    {
        var values = CiliumChartValues.Build(ScenarioIntent("1.12.1"));
        var scenario = CiliumYaml.ParseDocuments(File.ReadAllText(Path.Combine(CiliumBgpPeeringPolicyTests.ScenarioDir, "values.yaml")), "values.yaml")[0].Node;
        Assert.True(CiliumYaml.DeepEquals(scenario, values), values.ToJsonString());
    }

    [Fact]
    public void Newest_chart_spells_native_routing_as_routingMode()
    {
        var values = CiliumChartValues.Build(ScenarioIntent(null));
        Assert.Equal("native", values["routingMode"]!.GetValue<string>());
        Assert.False(values.ContainsKey("tunnel"));
        Assert.Equal("10.0.0.0/8", values["ipv4NativeRoutingCIDR"]!.GetValue<string>());
        Assert.True(values["bgpControlPlane"]!["enabled"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("1.12.1", "tunnel", "disabled")]
    [InlineData("1.13.4", "tunnel", "disabled")]
    [InlineData("1.14.5", "tunnel", "disabled")]
    [InlineData("1.15.0", "routingMode", "native")]
    [InlineData("v1.16.3", "routingMode", "native")]
    [InlineData("1.19.6", "routingMode", "native")]
    public void Native_routing_key_follows_the_chart_version(string version, string key, string value)
    {
        Assert.Equal(value, CiliumChartValues.Build(ScenarioIntent(version))[key]!.GetValue<string>());
    }

    [Fact]
    public void Tunnel_mode_sets_the_protocol_on_new_charts_and_tunnel_on_old_ones()
    {
        var old = CiliumChartValues.Build(new() { Version = "1.12.1", RoutingMode = CiliumRoutingMode.Tunnel, TunnelProtocol = "geneve" });
        Assert.Equal("geneve", old["tunnel"]!.GetValue<string>());
        var current = CiliumChartValues.Build(new() { Version = "1.16.0", RoutingMode = CiliumRoutingMode.Tunnel });
        Assert.Equal("tunnel", current["routingMode"]!.GetValue<string>());
        Assert.Equal("vxlan", current["tunnelProtocol"]!.GetValue<string>());
    }

    [Fact]
    public void Keys_a_chart_version_does_not_have_are_refused_with_a_suggestion()
    {
        var intent = ScenarioIntent("1.12.1");
        intent.Values = new JsonObject { ["routingMode"] = "native" };
        var e = Assert.Throws<BgpLabException>(() => CiliumChartValues.Build(intent));
        Assert.Equal("CiliumValueUnknown", e.ErrorId);
        Assert.Contains("routingMode", e.Message);

        var typo = ScenarioIntent("1.16.3");
        typo.Values = new JsonObject { ["bgpControlPlane.enabeld"] = true };
        e = Assert.Throws<BgpLabException>(() => CiliumChartValues.Build(typo));
        Assert.Contains("bgpControlPlane.enabeld (did you mean bgpControlPlane.enabled", e.Message);

        var newer = ScenarioIntent("1.20.0");
        newer.Values = new JsonObject { ["tunnel"] = "disabled" };
        Assert.Throws<BgpLabException>(() => CiliumChartValues.Build(newer));
    }

    [Fact]
    public void Values_file_and_hashtable_merge_over_typed_settings_in_that_order()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "ipam:\n  mode: cluster-pool\nhubble:\n  relay:\n    enabled: true\n");
            var intent = ScenarioIntent("1.16.3");
            intent.ValuesPath = path;
            intent.Values = new JsonObject { ["hubble.relay.enabled"] = false, ["nodeSelector"] = new JsonObject { ["rack"] = "rack0" } };
            var values = CiliumChartValues.Build(intent);
            Assert.Equal("cluster-pool", values["ipam"]!["mode"]!.GetValue<string>());
            Assert.False(values["hubble"]!["relay"]!["enabled"]!.GetValue<bool>());
            Assert.Equal("rack0", values["nodeSelector"]!["rack"]!.GetValue<string>());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Kube_proxy_replacement_is_spelled_for_the_chart_version()
    {
        Assert.Equal("strict", CiliumChartValues.Build(new() { Version = "1.12.1", KubeProxyReplacement = "true" })["kubeProxyReplacement"]!.GetValue<string>());
        Assert.Equal("true", CiliumChartValues.Build(new() { Version = "1.16.1", KubeProxyReplacement = "strict" })["kubeProxyReplacement"]!.GetValue<string>());
    }

    [Fact]
    public void Versions_outside_the_catalogues_are_handled()
    {
        Assert.Throws<BgpLabException>(() => CiliumChartValues.Build(new() { Version = "1.11.7" }));
        Assert.Throws<BgpLabException>(() => CiliumChartValues.Build(new() { Version = "one" }));
        Assert.Equal(new Version(1, 20), CiliumChartValues.Resolve("1.99.0").Catalogue.Minor);
    }
}
