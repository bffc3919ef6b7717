namespace BgpLab.Engine.Clab;

/// <summary>How a deploy runs. Defaults follow containerlab (privileged nodes, workers = CPUs).</summary>
public sealed class ClabDeployOptions
{
    /// <summary>How many nodes are created (and exec'd) at once.</summary>
    public int MaxWorkers { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Tear a running lab down and deploy it again (otherwise a running lab is left unchanged).</summary>
    public bool Reconfigure { get; init; }

    /// <summary>Leave what was created in place when the deploy fails (for debugging).</summary>
    public bool KeepOnFailure { get; init; }

    /// <summary>Fail (and undo) the deploy when an exec command exits non-zero (containerlab only logs it).</summary>
    public bool StrictExec { get; init; }

    /// <summary>
    /// Run nodes with exactly these capabilities added instead of privileged (null = privileged, like
    /// containerlab). Hosts whose capability bounding set lacks some capability cannot start privileged
    /// containers at all.
    /// </summary>
    public IReadOnlyList<string>? Capabilities { get; init; }

    /// <summary>The longest wait for a container another node depends on (e.g. a Kind node) to run.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The kind executable that creates k8s-kind nodes' clusters (null = 'kind' on PATH), as New-KindCluster uses it.</summary>
    public string? KindPath { get; init; }

    /// <summary>The kubeconfig kind merges k8s-kind clusters' contexts into (null = KUBECONFIG or ~/.kube/config).</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>The clab-owner label; default: CLAB_OWNER, SUDO_USER, USER.</summary>
    public string? Owner { get; init; }

    /// <summary>A capability set that runs FRR, iptables and the scenario's exec commands without privileged mode.</summary>
    public static readonly IReadOnlyList<string> SuggestedCapabilities =
        ["NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE", "SYS_ADMIN", "SYS_PTRACE"];

    /// <summary>The capability list from a comma/space separated text (BGPLAB_CAPABILITIES), null when empty.</summary>
    public static IReadOnlyList<string>? ParseCapabilities(string? text)
    {
        var list = (text ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return list.Length == 0 ? null : list;
    }

    public static string DefaultOwner() =>
        new[] { "CLAB_OWNER", "SUDO_USER", "USER" }.Select(Environment.GetEnvironmentVariable).FirstOrDefault(v => !string.IsNullOrEmpty(v)) ?? "root";
}
