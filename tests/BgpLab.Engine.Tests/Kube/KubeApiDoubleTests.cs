using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using BgpLab.Engine.Common;
using BgpLab.Engine.Kube;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BgpLab.Engine.Tests.Kube;

/// <summary>The API-server double behaves like kube-apiserver for what BgpLab uses, seen through KubernetesClient and raw HTTP.</summary>
public sealed class KubeApiDoubleTests : IAsyncLifetime
{
    private KubeTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await KubeTestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private IKubernetes Client => _cluster.Connection.Client;

    private static JsonObject Policy(string name, JsonNode localAsn, string peerAddress = "10.0.0.1/32") => new()
    {
        ["apiVersion"] = "cilium.io/v2alpha1", ["kind"] = "CiliumBGPPeeringPolicy",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["nodeSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["rack"] = "rack0" } },
            ["virtualRouters"] = new JsonArray(new JsonObject
            {
                ["localASN"] = localAsn, ["exportPodCIDR"] = true,
                ["neighbors"] = new JsonArray(new JsonObject { ["peerAddress"] = peerAddress, ["peerASN"] = 65010 }),
            }),
        },
    };

    private async Task<(HttpStatusCode Code, JsonObject Body, HttpResponseMessage Response)> Send(HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, _cluster.Url(path));
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, contentType);
        var response = await _cluster.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject(), response);
    }

    private static string Message(HttpOperationException e) => JsonNode.Parse(e.Response.Content)!["message"]!.GetValue<string>();

    [Fact]
    public async Task DiscoveryListsCoreAppsAndCrdGroups()
    {
        var groups = await Client.Apis.GetAPIVersionsAsync();
        Assert.Contains(groups.Groups, g => g.Name == "apps");
        Assert.Contains(groups.Groups, g => g.Name == "cilium.io" && g.PreferredVersion.Version == "v2alpha1");
        var cilium = await Send(HttpMethod.Get, "/apis/cilium.io/v2alpha1");
        var resource = cilium.Body["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "ciliumbgppeeringpolicies")!;
        Assert.False(resource["namespaced"]!.GetValue<bool>());
        Assert.Equal("CiliumBGPPeeringPolicy", resource["kind"]!.GetValue<string>());
        var crd = await Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("ciliumbgppeeringpolicies.cilium.io");
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
    }

    [Fact]
    public async Task MissingObjectIs404WithKubernetesStatus()
    {
        var (code, body, _) = await Send(HttpMethod.Get, "/api/v1/nodes/nope");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("Status", body["kind"]!.GetValue<string>());
        Assert.Equal("NotFound", body["reason"]!.GetValue<string>());
        Assert.Equal("nodes \"nope\" not found", body["message"]!.GetValue<string>());
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReadNamespacedPodAsync("p", "default"));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
        var crMissing = await Send(HttpMethod.Get, "/apis/cilium.io/v2alpha1/ciliumbgppeeringpolicies/none");
        Assert.Equal("ciliumbgppeeringpolicies.cilium.io \"none\" not found", crMissing.Body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateTwiceIs409AlreadyExistsAndStaleUpdateIs409Conflict()
    {
        var created = await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "lab" } });
        var again = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "lab" } }));
        Assert.Equal(HttpStatusCode.Conflict, again.Response.StatusCode);
        Assert.Equal("namespaces \"lab\" already exists", Message(again));

        created.Metadata.Labels = new Dictionary<string, string> { ["a"] = "1" };
        var updated = await Client.CoreV1.ReplaceNamespaceAsync(created, "lab");
        Assert.NotEqual(created.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);
        created.Metadata.Labels["a"] = "2"; // still carries the old resourceVersion
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.ReplaceNamespaceAsync(created, "lab"));
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        Assert.Contains("the object has been modified", Message(stale));
    }

    [Fact]
    public async Task NamespacedObjectsNeedTheirNamespaceAndDeleteRemovesThem()
    {
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "s1" }, StringData = new Dictionary<string, string> { ["k"] = "v" } };
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => Client.CoreV1.CreateNamespacedSecretAsync(secret, "absent"));
        Assert.Equal("namespaces \"absent\" not found", Message(missing));
        await Client.CoreV1.CreateNamespacedSecretAsync(secret, "kube-system");
        Assert.Single((await Client.CoreV1.ListNamespacedSecretAsync("kube-system")).Items);
        await Client.CoreV1.DeleteNamespacedSecretAsync("s1", "kube-system");
        Assert.Empty((await Client.CoreV1.ListNamespacedSecretAsync("kube-system")).Items);
    }

    [Fact]
    public async Task LabelSelectorsFilterLists()
    {
        _cluster.SeedNode("n0", "10.0.1.2", false, new Dictionary<string, string> { ["rack"] = "rack0" });
        _cluster.SeedNode("n1", "10.0.3.2", false, new Dictionary<string, string> { ["rack"] = "rack1", ["edge"] = "" });
        Assert.Equal(["n0"], (await Client.CoreV1.ListNodeAsync(labelSelector: "rack=rack0")).Items.Select(n => n.Metadata.Name));
        Assert.Equal(["n1"], (await Client.CoreV1.ListNodeAsync(labelSelector: "rack in (rack1, rack9),edge")).Items.Select(n => n.Metadata.Name));
        Assert.Equal(["n0"], (await Client.CoreV1.ListNodeAsync(labelSelector: "!edge")).Items.Select(n => n.Metadata.Name));
        Assert.Equal(2, (await Client.CoreV1.ListNodeAsync(labelSelector: "rack notin (rack2)")).Items.Count);
    }

    [Fact]
    public async Task CrdSchemaRejectsWrongTypesWithRealFieldPaths()
    {
        var (code, body, _) = await Send(HttpMethod.Post, "/apis/cilium.io/v2alpha1/ciliumbgppeeringpolicies", Policy("bad", "sixty-five"));
        Assert.Equal((HttpStatusCode)422, code);
        Assert.Equal("Invalid", body["reason"]!.GetValue<string>());
        Assert.Equal(
            "CiliumBGPPeeringPolicy.cilium.io \"bad\" is invalid: spec.virtualRouters[0].localASN: Invalid value: \"string\": spec.virtualRouters[0].localASN in body must be of type integer: \"string\"",
            body["message"]!.GetValue<string>());
        Assert.Equal("spec.virtualRouters[0].localASN", body["details"]!["causes"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task CrdSchemaChecksRequiredBoundsFormatsAndEnums()
    {
        var policy = Policy("bounds", 5_000_000_000L, peerAddress: "10.0.0.1");
        policy["spec"]!["virtualRouters"]![0]!["neighbors"]![0]!.AsObject().Remove("peerASN");
        policy["spec"]!["nodeSelector"]!["matchExpressions"] = new JsonArray(new JsonObject { ["key"] = "rack", ["operator"] = "Equals" });
        var (code, body, _) = await Send(HttpMethod.Post, "/apis/cilium.io/v2alpha1/ciliumbgppeeringpolicies", policy);
        Assert.Equal((HttpStatusCode)422, code);
        var causes = body["details"]!["causes"]!.AsArray().Select(c => $"{c!["field"]} {c["reason"]}").ToList();
        Assert.Contains("spec.virtualRouters[0].localASN FieldValueInvalid", causes);
        Assert.Contains("spec.virtualRouters[0].neighbors[0].peerASN FieldValueRequired", causes);
        Assert.Contains("spec.virtualRouters[0].neighbors[0].peerAddress FieldValueInvalid", causes);
        Assert.Contains("spec.nodeSelector.matchExpressions[0].operator FieldValueNotSupported", causes);
        var message = body["message"]!.GetValue<string>();
        Assert.Contains("spec.virtualRouters[0].localASN in body should be less than or equal to 4294967295", message);
        Assert.Contains("spec.virtualRouters[0].neighbors[0].peerAddress in body must be of type cidr: \"10.0.0.1\"", message);
        Assert.Contains("Unsupported value: \"Equals\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\"", message);

        var empty = Policy("empty", 65010);
        empty["spec"]!["virtualRouters"] = new JsonArray();
        var (_, emptyBody, _) = await Send(HttpMethod.Post, "/apis/cilium.io/v2alpha1/ciliumbgppeeringpolicies", empty);
        Assert.Contains("spec.virtualRouters in body should have at least 1 items", emptyBody["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task CrdDefaultsAreAppliedAndUnknownFieldsPrunedOrRejected()
    {
        var policy = Policy("rack0", 65010);
        policy["spec"]!["virtualRouters"]![0]!["neighbors"]![0]!["peerPortt"] = 1790;
        var (code, body, response) = await Send(HttpMethod.Post, "/apis/cilium.io/v2alpha1/ciliumbgppeeringpolicies", policy);
        Assert.Equal(HttpStatusCode.Created, code);
        var neighbor = body["spec"]!["virtualRouters"]![0]!["neighbors"]![0]!;
        Assert.Equal(179, neighbor["peerPort"]!.GetValue<long>());
        Assert.Equal(90, neighbor["holdTimeSeconds"]!.GetValue<long>());
        Assert.Null(neighbor["peerPortt"]);
        Assert.Contains(response.Headers.GetValues("Warning"), w => w.Contains("unknown field \\\"spec.virtualRouters[0].neighbors[0].peerPortt\\\""));

        var strict = Policy("strict", 65010);
        strict["spec"]!["extra"] = true;
        var (strictCode, strictBody, _) = await Send(HttpMethod.Post, "/apis/cilium.io/v2alpha1/ciliumbgppeeringpolicies?fieldValidation=Strict", strict);
        Assert.Equal(HttpStatusCode.BadRequest, strictCode);
        Assert.Contains("strict decoding error: unknown field \"spec.extra\"", strictBody["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task MergePatchAndServerSideApplyWithConflicts()
    {
        var applied = Policy("applied", 65010);
        var yaml = applied.ToJsonString(); // JSON is YAML
        var first = await Send(HttpMethod.Patch, "/apis/cilium.io/v2alpha1/ciliumbgppeeringpolicies/applied?fieldManager=bgplab", JsonNode.Parse(yaml), "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.Created, first.Code);
        Assert.Equal("bgplab", first.Body["metadata"]!["managedFields"]![0]!["manager"]!.GetValue<string>());

        var merge = await Send(HttpMethod.Patch, "/apis/cilium.io/v2alpha1/ciliumbgppeeringpolicies/applied?fieldManager=someone",
            new JsonObject { ["spec"] = new JsonObject { ["nodeSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["rack"] = "rack9" } } } }, "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, merge.Code);
        Assert.Equal("rack9", merge.Body["spec"]!["nodeSelector"]!["matchLabels"]!["rack"]!.GetValue<string>());
        Assert.Equal(2, merge.Body["metadata"]!["generation"]!.GetValue<long>());

        var conflict = await Send(HttpMethod.Patch, "/apis/cilium.io/v2alpha1/ciliumbgppeeringpolicies/applied?fieldManager=bgplab", JsonNode.Parse(yaml), "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.Conflict, conflict.Code);
        Assert.Contains("conflict with \"someone\": .spec.nodeSelector.matchLabels.rack", conflict.Body["message"]!.GetValue<string>());

        var forced = await Send(HttpMethod.Patch, "/apis/cilium.io/v2alpha1/ciliumbgppeeringpolicies/applied?fieldManager=bgplab&force=true", JsonNode.Parse(yaml), "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.OK, forced.Code);
        Assert.Equal("rack0", forced.Body["spec"]!["nodeSelector"]!["matchLabels"]!["rack"]!.GetValue<string>());

        var noManager = await Send(HttpMethod.Patch, "/apis/cilium.io/v2alpha1/ciliumbgppeeringpolicies/applied", JsonNode.Parse(yaml), "application/apply-patch+yaml");
        Assert.Equal((HttpStatusCode)422, noManager.Code);
    }

    [Fact]
    public async Task StatusSubresourceSeparatesStatusFromSpec()
    {
        var ds = new V1DaemonSet
        {
            Metadata = new V1ObjectMeta { Name = "cilium", NamespaceProperty = "kube-system" },
            Spec = new V1DaemonSetSpec { Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["k8s-app"] = "cilium" } } },
            Status = new V1DaemonSetStatus { DesiredNumberScheduled = 9 },
        };
        var created = await Client.AppsV1.CreateNamespacedDaemonSetAsync(ds, "kube-system");
        Assert.Equal(1, created.Metadata.Generation);
        created.Status = new V1DaemonSetStatus { DesiredNumberScheduled = 4, NumberReady = 4, UpdatedNumberScheduled = 4, NumberAvailable = 4, ObservedGeneration = 1 };
        var withStatus = await Client.AppsV1.ReplaceNamespacedDaemonSetStatusAsync(created, "cilium", "kube-system");
        Assert.Equal(4, withStatus.Status.NumberReady);
        withStatus.Status.NumberReady = 0;
        withStatus.Spec.MinReadySeconds = 5;
        var specChanged = await Client.AppsV1.ReplaceNamespacedDaemonSetAsync(withStatus, "cilium", "kube-system");
        Assert.Equal(4, specChanged.Status.NumberReady);
        Assert.Equal(2, specChanged.Metadata.Generation);
    }

    [Fact]
    public async Task WatchStreamsAddedModifiedDeletedFromAResourceVersion()
    {
        var list = await Client.CoreV1.ListNodeAsync();
        var events = new List<(WatchEventType, string)>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var watching = Task.Run(async () =>
        {
            var response = Client.CoreV1.ListNodeWithHttpMessagesAsync(watch: true, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token);
            await foreach (var (type, node) in response.WatchAsync<V1Node, V1NodeList>(cancellationToken: cts.Token))
            {
                events.Add((type, node.Metadata.Name));
                if (type == WatchEventType.Deleted) break;
            }
        });
        await Task.Delay(200);
        _cluster.SeedNode("w1", "10.0.2.2", false);
        await Client.CoreV1.PatchNodeAsync(new V1Patch("{\"metadata\":{\"labels\":{\"rack\":\"rack0\"}}}", V1Patch.PatchType.MergePatch), "w1");
        await Client.CoreV1.DeleteNodeAsync("w1");
        await watching.WaitAsync(cts.Token);
        Assert.Equal([(WatchEventType.Added, "w1"), (WatchEventType.Modified, "w1"), (WatchEventType.Deleted, "w1")], events);
    }

    [Fact]
    public async Task WaitForReadyFollowsTheWatchAndTimesOutListingConditions()
    {
        _cluster.SeedNode("cp", "10.0.1.2", false);
        _cluster.SeedNode("w", "10.0.2.2", false);
        var timeout = await Assert.ThrowsAsync<BgpLabException>(() =>
            KubeNodes.WaitAsync(_cluster.Connection, null, null, "Ready", "True", TimeSpan.FromMilliseconds(600), NullObserver.Instance, CancellationToken.None));
        Assert.Equal("KubeNodeWaitTimeout", timeout.ErrorId);
        Assert.Contains("cp: Ready=False (KubeletNotReady: container runtime network not ready", timeout.Message);
        Assert.Contains("w: Ready=False", timeout.Message);

        var waiting = KubeNodes.WaitAsync(_cluster.Connection, null, null, "Ready", "True", TimeSpan.FromSeconds(10), NullObserver.Instance, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        foreach (var name in new[] { "cp", "w" })
        {
            var node = await Client.CoreV1.ReadNodeAsync(name);
            node.Status.Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady" }];
            await Client.CoreV1.ReplaceNodeStatusAsync(node, name);
        }
        var ready = await waiting;
        Assert.All(ready, n => Assert.True(n.Ready));
        Assert.Equal(2, ready.Count);
    }

    [Fact]
    public async Task KubeNodesAreTyped()
    {
        _cluster.SeedNode("clab-bgp-cplane-demo-control-plane", "10.0.1.2", false, new Dictionary<string, string> { ["rack"] = "rack0", ["node-role.kubernetes.io/control-plane"] = "" });
        var nodes = await KubeNodes.GetAsync(_cluster.Connection, "rack=rack0", CancellationToken.None);
        var node = Assert.Single(nodes);
        Assert.Equal("10.0.1.2", node.InternalIP);
        Assert.Equal(["10.1.0.0/24"], node.PodCidrs);
        Assert.False(node.Ready);
        Assert.Equal("rack0", node.Labels["rack"]);
        Assert.Equal(["control-plane"], node.Roles);
        Assert.Equal("double", node.Context);
    }
}
