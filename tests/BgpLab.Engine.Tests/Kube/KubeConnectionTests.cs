using BgpLab.Engine.Common;
using BgpLab.Engine.Kube;

namespace BgpLab.Engine.Tests.Kube;

public sealed class KubeConnectionTests : IAsyncLifetime
{
    private KubeTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await KubeTestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public void OneClientPerContextIsReused()
    {
        var a = KubeConnection.Resolve(_cluster.Kubeconfig, "double");
        var b = KubeConnection.Resolve(_cluster.Kubeconfig, null); // current-context is "double"
        Assert.Same(a.Client, b.Client);
        Assert.Equal("double", b.Context);
        Assert.Equal(_cluster.Server.BaseUrl.Port, b.Server.Port);
    }

    [Fact]
    public async Task AContextPointingElsewhereGetsANewClient()
    {
        var before = KubeConnection.Resolve(_cluster.Kubeconfig, "double");
        await using var other = await BgpLab.Testing.KubeApiDouble.KubeApiDoubleServer.StartAsync();
        other.WriteKubeconfig(_cluster.Kubeconfig, "double");
        var after = KubeConnection.Resolve(_cluster.Kubeconfig, "double");
        Assert.NotSame(before.Client, after.Client);
        Assert.Equal(other.BaseUrl.Port, after.Server.Port);
    }

    [Fact]
    public void UnknownContextNamesTheAvailableOnes()
    {
        var e = Assert.Throws<BgpLabException>(() => KubeConnection.Resolve(_cluster.Kubeconfig, "kind-nope"));
        Assert.Equal("KubeContextNotFound", e.ErrorId);
        Assert.Contains("has no context 'kind-nope' (contexts: double)", e.Message);
    }

    [Fact]
    public void MissingKubeconfigIsObjectNotFound()
    {
        var e = Assert.Throws<BgpLabException>(() => KubeConnection.Resolve(Path.Combine(_cluster.Directory, "absent"), null));
        Assert.Equal("KubeconfigNotFound", e.ErrorId);
    }

    [Fact]
    public async Task UnreachableServerIsAConnectionError()
    {
        var path = Path.Combine(_cluster.Directory, "dead");
        await using (var dead = await BgpLab.Testing.KubeApiDouble.KubeApiDoubleServer.StartAsync()) dead.WriteKubeconfig(path, "dead");
        var connection = KubeConnection.Resolve(path, "dead");
        var e = await Assert.ThrowsAsync<BgpLabException>(() => KubeNodes.GetAsync(connection, null, CancellationToken.None));
        Assert.Equal("KubeApiUnreachable", e.ErrorId);
        Assert.Equal(FailureKind.ConnectionError, e.Kind);
    }
}
