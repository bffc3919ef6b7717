using System.ComponentModel;
using System.Text.RegularExpressions;
using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;

namespace BgpLab.Engine.Kind;

/// <summary>The outcome of one kind invocation.</summary>
public sealed record KindRunResult(IReadOnlyList<string> Argv, int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// Drives the real <c>kind</c> CLI (the reference implementation is not rewritten): argv, never a shell
/// string; the config goes through stdin (--config -); kind's progress lines become progress updates and
/// its error text becomes the error message.
/// </summary>
public sealed partial class KindCli
{
    public const string RecommendedVersion = "v0.32.0";

    public KindCli(string? kindPath = null)
    {
        Path = Locate(kindPath);
    }

    /// <summary>The kind executable used.</summary>
    public string Path { get; }

    /// <summary>The kind binary: an explicit path, else the first 'kind' on PATH; a clear error when there is none.</summary>
    public static string Locate(string? kindPath)
    {
        if (!string.IsNullOrEmpty(kindPath))
        {
            var full = System.IO.Path.GetFullPath(kindPath);
            if (File.Exists(full)) return full;
            throw NotInstalled($"The kind executable '{full}' does not exist.", full);
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir, OperatingSystem.IsWindows() ? "kind.exe" : "kind");
            if (File.Exists(candidate)) return candidate;
        }
        throw NotInstalled("The kind executable was not found on PATH.", "kind");
    }

    private static BgpLabException NotInstalled(string message, string target) =>
        new(message + $" BgpLab drives the kind CLI (tested with kind v0.20–{RecommendedVersion}).", "KindNotInstalled", FailureKind.NotInstalled, target)
        {
            RecommendedAction = $"Install kind: 'go install sigs.k8s.io/kind@{RecommendedVersion}' (puts it in $(go env GOPATH)/bin), or download the release binary " +
                                $"https://kind.sigs.k8s.io/dl/{RecommendedVersion}/kind-linux-amd64 to /usr/local/bin/kind and chmod +x it; or pass -KindPath.",
        };

    /// <summary>The argv of <c>kind create cluster</c> for these options (the config itself goes through stdin).</summary>
    public static List<string> CreateArgs(string name, string? image, TimeSpan? wait, string? kubeconfig, bool retain)
    {
        var argv = new List<string> { "create", "cluster", "--config", "-", "--name", name };
        if (!string.IsNullOrEmpty(image)) argv.AddRange(["--image", image!]);
        if (wait is { } w && w > TimeSpan.Zero) argv.AddRange(["--wait", $"{(int)Math.Ceiling(w.TotalSeconds)}s"]);
        if (!string.IsNullOrEmpty(kubeconfig)) argv.AddRange(["--kubeconfig", kubeconfig!]);
        if (retain) argv.Add("--retain");
        return argv;
    }

    /// <summary>Runs <c>kind create cluster</c>; kind's steps are reported as progress; failure throws with kind's own message.</summary>
    public async Task<KindRunResult> CreateClusterAsync(string configYaml, string name, string? image, TimeSpan? wait, string? kubeconfig, bool retain,
        IOperationObserver observer, CancellationToken ct)
    {
        var progress = new CreateProgress(name, observer);
        var result = await RunAsync(CreateArgs(name, image, wait, kubeconfig, retain), configYaml, progress.OnLine, ct).ConfigureAwait(false);
        progress.Complete();
        if (!result.Succeeded) throw Failure($"kind could not create cluster '{name}'", result, name);
        foreach (var warning in result.Stderr.Split('\n').Where(l => l.StartsWith("WARNING:", StringComparison.Ordinal)))
            observer.Warning("kind: " + warning.Trim());
        return result;
    }

    public async Task DeleteClusterAsync(string name, string? kubeconfig, CancellationToken ct)
    {
        var argv = new List<string> { "delete", "cluster", "--name", name };
        if (!string.IsNullOrEmpty(kubeconfig)) argv.AddRange(["--kubeconfig", kubeconfig!]);
        var result = await RunAsync(argv, null, null, ct).ConfigureAwait(false);
        if (!result.Succeeded) throw Failure($"kind could not delete cluster '{name}'", result, name);
    }

    public async Task<IReadOnlyList<string>> GetClustersAsync(CancellationToken ct)
    {
        var result = await RunAsync(["get", "clusters"], null, null, ct).ConfigureAwait(false);
        if (!result.Succeeded) throw Failure("kind could not list clusters", result, "kind");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The cluster's kubeconfig as kind prints it (--internal: the server is the control-plane container's name, for use inside the kind network).</summary>
    public async Task<string> GetKubeconfigAsync(string name, bool @internal, CancellationToken ct)
    {
        var argv = new List<string> { "get", "kubeconfig", "--name", name };
        if (@internal) argv.Add("--internal");
        var result = await RunAsync(argv, null, null, ct).ConfigureAwait(false);
        if (!result.Succeeded) throw Failure($"kind could not get the kubeconfig of cluster '{name}'", result, name);
        return result.Stdout;
    }

    public async Task<string> VersionAsync(CancellationToken ct)
    {
        var result = await RunAsync(["version"], null, null, ct).ConfigureAwait(false);
        return result.Stdout.Trim();
    }

    /// <summary>Runs kind with argv, feeding stdin, streaming stderr lines to <paramref name="onStderrLine"/>; Ctrl+C kills it.</summary>
    public async Task<KindRunResult> RunAsync(IReadOnlyList<string> argv, string? stdin, Action<string>? onStderrLine, CancellationToken ct)
    {
        ProcessRunResult run;
        try
        {
            run = await ProcessRunner.RunAsync(Path, argv, stdin, onStderrLine, ct).ConfigureAwait(false);
        }
        catch (Win32Exception e)
        {
            throw new BgpLabException($"kind at '{Path}' could not be started: {e.Message}", "KindNotRunnable", FailureKind.NotInstalled, Path, e);
        }
        return new KindRunResult(argv.ToList(), run.ExitCode, run.Stdout, run.Stderr);
    }

    /// <summary>kind's "ERROR: …" lines (and what follows them) as the message; the whole stderr when there is no such line.</summary>
    private BgpLabException Failure(string what, KindRunResult result, string target)
    {
        var lines = result.Stderr.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        var errorAt = lines.FindIndex(l => l.StartsWith("ERROR:", StringComparison.Ordinal));
        var message = errorAt >= 0 ? string.Join(Environment.NewLine, lines.Skip(errorAt)) : string.Join(Environment.NewLine, lines.TakeLast(20));
        var alreadyExists = message.Contains("already exist", StringComparison.Ordinal);
        return new BgpLabException($"{what} (exit code {result.ExitCode}): {message}",
            alreadyExists ? "KindClusterExists" : "KindFailed", alreadyExists ? FailureKind.ResourceExists : FailureKind.InvalidOperation, target)
        {
            RecommendedAction = alreadyExists ? $"Remove it first (Remove-KindCluster -Name {target}) or choose another -Name." : $"Command: {ArgvText.Join(new[] { Path }.Concat(result.Argv))}",
        };
    }

    /// <summary>
    /// Turns kind's step lines (" • Preparing nodes 📦  ..." when a step starts, " ✓ Preparing nodes 📦" /
    /// " ✗ …" when it ends) into progress: one record per step, percent by steps done.
    /// </summary>
    private sealed class CreateProgress(string name, IOperationObserver observer)
    {
        // kind's steps in order (optional ones included): used to estimate the percentage.
        private static readonly string[] Steps =
        [
            "Ensuring node image", "Preparing nodes", "Configuring the external load balancer", "Writing configuration", "Starting control-plane",
            "Installing CNI", "Installing StorageClass", "Joining more control-plane nodes", "Joining worker nodes", "Waiting",
        ];

        private readonly string _activity = $"Creating Kind cluster {name}";

        public void OnLine(string line)
        {
            var m = StepLine().Match(line);
            if (!m.Success) return;
            var text = m.Groups["text"].Value.Trim();
            var index = Array.FindIndex(Steps, s => text.StartsWith(s, StringComparison.Ordinal));
            var done = m.Groups["mark"].Value is "✓" or "✗";
            var percent = index < 0 ? -1 : Math.Min(99, (index + (done ? 1 : 0)) * 100 / Steps.Length);
            observer.Progress(new ProgressUpdate(1, _activity, text, percent, CurrentOperation: done ? (m.Groups["mark"].Value == "✓" ? "done" : "failed") : "running"));
            observer.Verbose("kind: " + line.Trim());
        }

        public void Complete() => observer.Progress(new ProgressUpdate(1, _activity, "done", 100, Completed: true));
    }

    // " • Ensuring node image (kindest/node:v1.29.2) 🖼  ...", " ✓ Preparing nodes 📦 📦", " ✗ Starting control-plane 🕹️"
    [GeneratedRegex(@"^\s*(?<mark>[•✓✗])\s+(?<text>[^\p{So}\p{Cs}]+?)(\s*\.\.\.)?(\s*[\p{So}\p{Cs}\uFE0F\s]*)*(\.\.\.)?\s*$")]
    private static partial Regex StepLine();
}
