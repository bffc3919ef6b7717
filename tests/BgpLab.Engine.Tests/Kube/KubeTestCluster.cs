using System.Text.Json.Nodes;
using BgpLab.Engine.Kube;
using BgpLab.Testing.KubeApiDouble;

namespace BgpLab.Engine.Tests.Kube;

/// <summary>An API-server double with the test CRDs, a kubeconfig pointing at it and a connection through it.</summary>
public sealed class KubeTestCluster : IAsyncDisposable
{
    public static string FixturesDirectory =>
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../fixtures"));

    private KubeTestCluster(KubeApiDoubleServer server, string directory, string kubeconfig, KubeConnection connection)
    {
        Server = server;
        Directory = directory;
        Kubeconfig = kubeconfig;
        Connection = connection;
    }

    public KubeApiDoubleServer Server { get; }
    public string Directory { get; }
    public string Kubeconfig { get; }
    public KubeConnection Connection { get; }
    public HttpClient Http { get; } = new();

    public static async Task<KubeTestCluster> StartAsync()
    {
        var server = await KubeApiDoubleServer.StartAsync(new KubeApiDoubleOptions
        {
            CrdDirectories = [Path.Combine(FixturesDirectory, "crds", "kube-tests")],
        });
        var dir = System.IO.Directory.CreateTempSubdirectory("bgplab-kube-").FullName;
        var kubeconfig = Path.Combine(dir, "config");
        server.WriteKubeconfig(kubeconfig, "double");
        return new KubeTestCluster(server, dir, kubeconfig, KubeConnection.Resolve(kubeconfig, "double"));
    }

    public Uri Url(string path) => new(Server.BaseUrl, path);

    /// <summary>A Node as kind's stand-in registers it: labels, InternalIP, Pod CIDR, Ready condition.</summary>
    public JsonObject SeedNode(string name, string ip, bool ready, IDictionary<string, string>? labels = null)
    {
        var labelObject = new JsonObject();
        foreach (var (k, v) in labels ?? new Dictionary<string, string>()) labelObject[k] = v;
        return Server.Seed(new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Node",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labelObject },
            ["spec"] = new JsonObject { ["podCIDR"] = "10.1.0.0/24", ["podCIDRs"] = new JsonArray("10.1.0.0/24") },
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = ip }, new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["conditions"] = new JsonArray(ReadyCondition(ready)),
            },
        });
    }

    public static JsonObject ReadyCondition(bool ready) => ready
        ? new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "KubeletReady", ["message"] = "kubelet is posting ready status" }
        : new JsonObject { ["type"] = "Ready", ["status"] = "False", ["reason"] = "KubeletNotReady", ["message"] = "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized" };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
