using System.Collections.Concurrent;
using BgpLab.Engine.Common;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace BgpLab.Engine.Kube;

/// <summary>
/// A connection to one Kubernetes API server: the kubeconfig file(s) and context it came from and the
/// one <see cref="IKubernetes"/> client for that context. Resolved from an explicit kubeconfig path and
/// context, a Kind cluster, or kubectl's defaults (KUBECONFIG, then ~/.kube/config; the file's
/// current-context). Clients are cached per (kubeconfig, context) and reused as long as the context
/// still points at the same server and credentials (a re-created Kind cluster gets a new client).
/// </summary>
public sealed class KubeConnection
{
    private static readonly ConcurrentDictionary<string, KubeConnection> Cache = new(StringComparer.Ordinal);

    private KubeConnection(string kubeconfigPath, string context, Uri server, IKubernetes client, string fingerprint)
    {
        KubeconfigPath = kubeconfigPath;
        Context = context;
        Server = server;
        Client = client;
        Fingerprint = fingerprint;
    }

    /// <summary>The kubeconfig file(s) read (several joined by the path separator, as KUBECONFIG lists them).</summary>
    public string KubeconfigPath { get; }

    /// <summary>The context used (the file's current-context when none was given).</summary>
    public string Context { get; }

    /// <summary>The API server URL of that context.</summary>
    public Uri Server { get; }

    /// <summary>The client, shared by everything that resolves the same kubeconfig and context.</summary>
    public IKubernetes Client { get; }

    private string Fingerprint { get; }

    public override string ToString() => $"{Context} ({Server})";

    /// <summary>
    /// Resolves a connection. <paramref name="kubeconfig"/> null → KUBECONFIG (every existing file of the
    /// list, merged) → ~/.kube/config; <paramref name="context"/> null → the current-context.
    /// </summary>
    public static KubeConnection Resolve(string? kubeconfig = null, string? context = null)
    {
        var files = KubeconfigFiles(kubeconfig);
        K8SConfiguration merged;
        try
        {
            merged = LoadMerged(files);
        }
        catch (Exception e) when (e is KubeConfigException or IOException or YamlDotNet.Core.YamlException or ArgumentException)
        {
            throw new BgpLabException($"The kubeconfig {string.Join(", ", files)} cannot be read: {e.Message}", "KubeconfigInvalid",
                FailureKind.InvalidData, files[0], e);
        }
        var contextName = context ?? merged.CurrentContext;
        var available = merged.Contexts?.Select(c => c.Name).ToList() ?? new List<string>();
        if (string.IsNullOrEmpty(contextName) || !available.Contains(contextName))
        {
            throw new BgpLabException(
                string.IsNullOrEmpty(contextName)
                    ? $"The kubeconfig {string.Join(", ", files)} has no current-context and no -Context was given (contexts: {Names(available)})."
                    : $"The kubeconfig {string.Join(", ", files)} has no context '{contextName}' (contexts: {Names(available)}).",
                "KubeContextNotFound", FailureKind.ObjectNotFound, contextName)
            {
                RecommendedAction = "Pass -Context with one of the listed contexts, or -Kubeconfig with the file of that cluster (Kind clusters: Export-KindKubeconfig).",
            };
        }
        KubernetesClientConfiguration configuration;
        try
        {
            configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, contextName);
        }
        catch (KubeConfigException e)
        {
            throw new BgpLabException($"Context '{contextName}' in {string.Join(", ", files)} is unusable: {e.Message}", "KubeconfigInvalid",
                FailureKind.InvalidData, contextName, e);
        }
        var path = string.Join(Path.PathSeparator, files);
        var fingerprint = string.Join("|", configuration.Host, configuration.AccessToken, configuration.Username, configuration.Password,
            configuration.ClientCertificateData, configuration.ClientCertificateKeyData, configuration.ClientCertificateFilePath,
            configuration.SkipTlsVerify, configuration.SslCaCerts?.Count);
        var key = path + "\n" + contextName;
        if (Cache.TryGetValue(key, out var cached) && cached.Fingerprint == fingerprint) return cached;
        var created = new KubeConnection(path, contextName, new Uri(configuration.Host), new Kubernetes(configuration), fingerprint);
        Cache[key] = created;
        return created;
    }

    /// <summary>The kubeconfig files kubectl would read, in order; a clear error when there is none.</summary>
    public static IReadOnlyList<string> KubeconfigFiles(string? kubeconfig)
    {
        if (!string.IsNullOrEmpty(kubeconfig))
        {
            var full = Path.GetFullPath(kubeconfig);
            if (!File.Exists(full))
                throw new BgpLabException($"The kubeconfig '{full}' does not exist.", "KubeconfigNotFound", FailureKind.ObjectNotFound, full);
            return [full];
        }
        var fromEnvironment = (Environment.GetEnvironmentVariable("KUBECONFIG") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFullPath).Where(File.Exists).Distinct().ToList();
        if (fromEnvironment.Count > 0) return fromEnvironment;
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        if (File.Exists(home)) return [home];
        throw new BgpLabException("No kubeconfig was given and none was found (KUBECONFIG is empty and ~/.kube/config does not exist).",
            "KubeconfigNotFound", FailureKind.ObjectNotFound, home)
        {
            RecommendedAction = "Pass -Kubeconfig, set KUBECONFIG, or pipe in a Kind cluster (Get-KindCluster | ...).",
        };
    }

    /// <summary>The contexts of the default (or given) kubeconfig, for completion; empty when none can be read.</summary>
    public static IReadOnlyList<string> ContextNames(string? kubeconfig = null)
    {
        try
        {
            var files = KubeconfigFiles(kubeconfig);
            var merged = LoadMerged(files);
            return merged.Contexts?.Select(c => c.Name).ToList() ?? new List<string>();
        }
        catch (Exception)
        {
            return [];
        }
    }

    /// <summary>
    /// Loads kubeconfig files merged as kubectl merges a KUBECONFIG list: for each named cluster, user and
    /// context the first file that defines it wins, and the first current-context set wins.
    /// </summary>
    private static K8SConfiguration LoadMerged(IReadOnlyList<string> files)
    {
        var configs = files.Select(f => KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(f), useRelativePaths: true)).ToList();
        var merged = configs[0];
        foreach (var next in configs.Skip(1))
        {
            merged.CurrentContext = string.IsNullOrEmpty(merged.CurrentContext) ? next.CurrentContext : merged.CurrentContext;
            merged.Clusters = (merged.Clusters ?? []).Concat((next.Clusters ?? []).Where(c => merged.Clusters?.All(m => m.Name != c.Name) ?? true)).ToList();
            merged.Users = (merged.Users ?? []).Concat((next.Users ?? []).Where(u => merged.Users?.All(m => m.Name != u.Name) ?? true)).ToList();
            merged.Contexts = (merged.Contexts ?? []).Concat((next.Contexts ?? []).Where(c => merged.Contexts?.All(m => m.Name != c.Name) ?? true)).ToList();
        }
        return merged;
    }

    private static string Names(IReadOnlyCollection<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
}
