using System.Text.Json.Nodes;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Cilium;

/// <summary>A program and its argv, shown the way a POSIX shell would need it typed.</summary>
public sealed record CommandLine(string FileName, IReadOnlyList<string> Arguments)
{
    public override string ToString() => string.Join(' ', new[] { FileName }.Concat(Arguments).Select(Quote));

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@+%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}

/// <summary>Where the chart comes from and which Kubernetes cluster helm talks to.</summary>
public sealed class CiliumHelmTarget
{
    public const string DefaultRepository = "https://helm.cilium.io/";
    public const string Release = "cilium";
    public const string Namespace = "kube-system";

    /// <summary>null → the cilium chart of helm.cilium.io; a URL (https://… repository, oci://… chart) or a local chart directory/.tgz.</summary>
    public string? Chart { get; set; }
    public string? HelmPath { get; set; }
    public string? Kubeconfig { get; set; }
    public string? KubeContext { get; set; }
}

/// <summary>What helm reports about the cilium release (helm status -o json).</summary>
public sealed record HelmRelease(string Name, string Namespace, int Revision, string Status, string? ChartVersion, JsonObject? Config);

/// <summary>Drives the real helm CLI (as a process, argv only) for the cilium release.</summary>
public static class CiliumHelm
{
    /// <summary>The helm executable: -HelmPath, else helm on PATH; a clear error saying how to get it otherwise.</summary>
    public static string ResolveHelm(string? helmPath)
    {
        if (!string.IsNullOrEmpty(helmPath))
        {
            if (File.Exists(helmPath)) return Path.GetFullPath(helmPath);
            throw NotInstalled($"-HelmPath '{helmPath}' does not exist.");
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "helm.exe" : "helm");
            if (File.Exists(candidate)) return candidate;
        }
        throw NotInstalled("helm was not found on PATH.");
    }

    private static BgpLabException NotInstalled(string message) => new(message, "HelmNotInstalled", FailureKind.NotInstalled, "helm")
    {
        RecommendedAction = "Install helm 3 (https://helm.sh/docs/intro/install/: the release tarball from https://get.helm.sh, " +
                            "or 'curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash'), or pass -HelmPath.",
    };

    /// <summary>helm upgrade --install cilium … (idempotent: installs or upgrades to these values).</summary>
    public static CommandLine UpgradeInstallCommand(CiliumHelmTarget target, string version, string valuesFile, string? helm = null)
    {
        var args = new List<string> { "upgrade", "--install", CiliumHelmTarget.Release };
        var chart = target.Chart;
        if (chart is not null && (File.Exists(chart) || Directory.Exists(chart)))
        {
            args.Add(Path.GetFullPath(chart));
        }
        else if (chart is not null && chart.StartsWith("oci://", StringComparison.OrdinalIgnoreCase))
        {
            args.AddRange(new[] { chart, "--version", version });
        }
        else
        {
            args.AddRange(new[] { "cilium", "--repo", chart ?? CiliumHelmTarget.DefaultRepository, "--version", version });
        }
        args.AddRange(new[] { "--namespace", CiliumHelmTarget.Namespace, "-f", valuesFile });
        AddCluster(args, target);
        return new CommandLine(helm ?? target.HelmPath ?? "helm", args);
    }

    public static CommandLine StatusCommand(CiliumHelmTarget target, string? helm = null)
    {
        var args = new List<string> { "status", CiliumHelmTarget.Release, "--namespace", CiliumHelmTarget.Namespace, "-o", "json" };
        AddCluster(args, target);
        return new CommandLine(helm ?? target.HelmPath ?? "helm", args);
    }

    public static CommandLine UninstallCommand(CiliumHelmTarget target, string? helm = null)
    {
        var args = new List<string> { "uninstall", CiliumHelmTarget.Release, "--namespace", CiliumHelmTarget.Namespace };
        AddCluster(args, target);
        return new CommandLine(helm ?? target.HelmPath ?? "helm", args);
    }

    private static void AddCluster(List<string> args, CiliumHelmTarget target)
    {
        if (target.KubeContext is not null) args.AddRange(new[] { "--kube-context", target.KubeContext });
        if (target.Kubeconfig is not null) args.AddRange(new[] { "--kubeconfig", target.Kubeconfig });
    }

    /// <summary>Runs helm upgrade --install with the values (written to a temporary file for the call) and returns the release.</summary>
    public static async Task<HelmRelease> UpgradeInstallAsync(CiliumHelmTarget target, string version, JsonObject values, IOperationObserver observer, CancellationToken ct)
    {
        var helm = ResolveHelm(target.HelmPath);
        var valuesFile = Path.Combine(Path.GetTempPath(), $"bgplab-cilium-values-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(valuesFile, CiliumYaml.Write(new[] { (JsonNode?)values }), ct).ConfigureAwait(false);
        try
        {
            var command = UpgradeInstallCommand(target, version, valuesFile, helm);
            observer.Verbose(command.ToString());
            observer.Progress(new ProgressUpdate(61, "Install-Cilium", $"helm upgrade --install cilium {version}"));
            await RunAsync(command, ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(valuesFile);
        }
        return await StatusAsync(target, ct).ConfigureAwait(false)
               ?? throw new BgpLabException("helm reported success but 'helm status cilium' finds no release.", "HelmReleaseMissing", FailureKind.InvalidOperation, "cilium");
    }

    /// <summary>The cilium release, or null when helm knows none.</summary>
    public static async Task<HelmRelease?> StatusAsync(CiliumHelmTarget target, CancellationToken ct)
    {
        var command = StatusCommand(target, ResolveHelm(target.HelmPath));
        var (exit, stdout, stderr) = await ExecuteAsync(command, ct).ConfigureAwait(false);
        if (exit != 0)
        {
            if (stderr.Contains("release: not found", StringComparison.Ordinal)) return null;
            throw Failed(command, exit, stderr);
        }
        JsonNode? json;
        try { json = JsonNode.Parse(stdout); }
        catch (System.Text.Json.JsonException e)
        {
            throw new BgpLabException($"'{command}' printed no JSON: {e.Message}", "HelmOutputInvalid", FailureKind.InvalidData, "helm", e);
        }
        return new HelmRelease(
            json?["name"]?.GetValue<string>() ?? CiliumHelmTarget.Release,
            json?["namespace"]?.GetValue<string>() ?? CiliumHelmTarget.Namespace,
            json?["version"]?.GetValue<int>() ?? 0,
            json?["info"]?["status"]?.GetValue<string>() ?? "unknown",
            json?["chart"]?["metadata"]?["version"]?.GetValue<string>(),
            json?["config"] as JsonObject);
    }

    public static async Task UninstallAsync(CiliumHelmTarget target, CancellationToken ct)
    {
        await RunAsync(UninstallCommand(target, ResolveHelm(target.HelmPath)), ct).ConfigureAwait(false);
    }

    private static async Task RunAsync(CommandLine command, CancellationToken ct)
    {
        var (exit, _, stderr) = await ExecuteAsync(command, ct).ConfigureAwait(false);
        if (exit != 0) throw Failed(command, exit, stderr);
    }

    private static BgpLabException Failed(CommandLine command, int exit, string stderr) =>
        new($"'{command}' failed (exit {exit}): {stderr.Trim()}", "HelmFailed", FailureKind.InvalidOperation, "helm");

    internal static async Task<(int Exit, string Stdout, string Stderr)> ExecuteAsync(CommandLine command, CancellationToken ct)
    {
        var run = await ProcessRunner.RunAsync(command.FileName, command.Arguments, null, null, ct).ConfigureAwait(false);
        return (run.ExitCode, run.Stdout, run.Stderr);
    }
}
