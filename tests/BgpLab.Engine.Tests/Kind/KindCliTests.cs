using BgpLab.Engine.Common;
using BgpLab.Engine.Kind;

namespace BgpLab.Engine.Tests.Kind;

public sealed class KindCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bgplab-kindcli-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private sealed class RecordingObserver : IOperationObserver
    {
        public List<ProgressUpdate> Updates { get; } = new();
        public List<string> Warnings { get; } = new();
        public void Progress(ProgressUpdate update) { lock (Updates) Updates.Add(update); }
        public void Verbose(string message) { }
        public void Warning(string message) { lock (Warnings) Warnings.Add(message); }
    }

    /// <summary>An executable that answers like kind does when creation fails at a given step.</summary>
    private string FakeKind(string stderrLines, int exitCode)
    {
        var path = Path.Combine(_dir, "kind");
        File.WriteAllText(path, $"#!/bin/sh\ncat > {_dir}/stdin\necho \"$@\" > {_dir}/argv\ncat >&2 <<'EOF'\n{stderrLines}\nEOF\nexit {exitCode}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void MissingKindSaysHowToInstallIt()
    {
        var e = Assert.Throws<BgpLabException>(() => new KindCli(Path.Combine(_dir, "nope")));
        Assert.Equal("KindNotInstalled", e.ErrorId);
        Assert.Equal(FailureKind.NotInstalled, e.Kind);
        Assert.Contains("go install sigs.k8s.io/kind@v0.32.0", e.RecommendedAction);
        Assert.Contains("https://kind.sigs.k8s.io/dl/v0.32.0/kind-linux-amd64", e.RecommendedAction);
    }

    [Fact]
    public async Task ProgressLinesBecomeProgressAndKindsErrorTheMessage()
    {
        var kind = new KindCli(FakeKind("""
            Creating cluster "demo" ...
             • Ensuring node image (kindest/node:v1.29.2) 🖼  ...
             ✓ Ensuring node image (kindest/node:v1.29.2) 🖼
             • Preparing nodes 📦 📦  ...
             ✓ Preparing nodes 📦 📦
             • Writing configuration 📜  ...
             ✓ Writing configuration 📜
             • Starting control-plane 🕹️  ...
             ✗ Starting control-plane 🕹️
            Deleted nodes: ["demo-control-plane" "demo-worker"]
            ERROR: failed to create cluster: failed to init node with kubeadm: command "docker exec --privileged demo-control-plane kubeadm init" failed with error: exit status 1
            """, 1));
        var observer = new RecordingObserver();
        var e = await Assert.ThrowsAsync<BgpLabException>(() =>
            kind.CreateClusterAsync("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n", "demo", null, TimeSpan.FromSeconds(30), "/tmp/kc", false, observer, CancellationToken.None));
        Assert.Equal("KindFailed", e.ErrorId);
        Assert.Contains("ERROR: failed to create cluster: failed to init node with kubeadm", e.Message);
        Assert.Equal(["Ensuring node image (kindest/node:v1.29.2)", "Ensuring node image (kindest/node:v1.29.2)", "Preparing nodes", "Preparing nodes",
                      "Writing configuration", "Writing configuration", "Starting control-plane", "Starting control-plane", "done"],
            observer.Updates.Select(u => u.Status));
        Assert.Equal("failed", observer.Updates[^2].CurrentOperation);
        Assert.True(observer.Updates.Select(u => u.PercentComplete).SequenceEqual(observer.Updates.Select(u => u.PercentComplete).Order()));
        Assert.Equal("create cluster --config - --name demo --wait 30s --kubeconfig /tmp/kc", File.ReadAllText(Path.Combine(_dir, "argv")).Trim());
        Assert.Equal("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n", File.ReadAllText(Path.Combine(_dir, "stdin")));
    }

    [Fact]
    public async Task AnExistingClusterIsResourceExists()
    {
        var kind = new KindCli(FakeKind("ERROR: failed to create cluster: node(s) already exist for a cluster with the name \"demo\"", 1));
        var e = await Assert.ThrowsAsync<BgpLabException>(() =>
            kind.CreateClusterAsync("", "demo", null, null, null, false, NullObserver.Instance, CancellationToken.None));
        Assert.Equal("KindClusterExists", e.ErrorId);
        Assert.Equal(FailureKind.ResourceExists, e.Kind);
    }

    [Fact]
    public async Task KindsWarningsAreForwarded()
    {
        var kind = new KindCli(FakeKind(" • WARNING: Timed out waiting for Ready ⚠️\nWARNING: something odd", 0));
        var observer = new RecordingObserver();
        await kind.CreateClusterAsync("", "demo", null, null, null, false, observer, CancellationToken.None);
        Assert.Equal(["kind: WARNING: something odd"], observer.Warnings);
    }
}
