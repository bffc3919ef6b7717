using BgpLab.Engine.Common;
using BgpLab.Engine.Docker;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BgpLab.Engine.Frr;

/// <summary>What a Kind node's Cilium BGP speaker would announce: its address, ASN, Pod CIDR and peer (from a peering policy).</summary>
public sealed record GobgpStandInSpec(string NodeContainer, string NodeAddress, long Asn, string PodCidr, string PeerAddress, long PeerAsn);

/// <summary>
/// Stands in for Cilium's BGP control plane where no Kubernetes exists: gobgpd (the BGP engine inside
/// Cilium) in a container that shares a Kind node container's network namespace, peering and announcing
/// the node's Pod CIDR as a CiliumBGPPeeringPolicy would make Cilium do. Every step is argv through the
/// Docker engine; the container is labelled so it can be found and removed.
/// </summary>
public static class GobgpStandIn
{
    public const string DefaultImage = "bgplab/kind-node:latest";
    public const string Label = "bgplab.standin";

    /// <summary>The stand-in container's name for a node container.</summary>
    public static string ContainerName(string nodeContainer) => nodeContainer + "-gobgp";

    /// <summary>
    /// Starts (or restarts) the stand-in for <paramref name="spec"/>: gobgpd as the container's process,
    /// then the global AS/router id, the neighbor and the Pod CIDR through the gobgp CLI. Returns the container name.
    /// </summary>
    public static async Task<string> StartAsync(DockerEngine docker, GobgpStandInSpec spec, IOperationObserver observer, CancellationToken ct,
        string image = DefaultImage)
    {
        var name = ContainerName(spec.NodeContainer);
        var node = await docker.TryInspectContainerAsync(spec.NodeContainer, ct).ConfigureAwait(false);
        if (node?.State?.Running != true)
            throw new BgpLabException($"Node container '{spec.NodeContainer}' is not running: the gobgpd stand-in needs its network namespace.",
                "GobgpNodeNotRunning", FailureKind.ObjectNotFound, spec.NodeContainer);
        await RemoveAsync(docker, spec.NodeContainer, ct).ConfigureAwait(false);
        var client = await docker.ConnectAsync(ct).ConfigureAwait(false);
        observer.Verbose($"{name}: gobgpd in the network namespace of {spec.NodeContainer} (AS {spec.Asn}, {spec.NodeAddress}, {spec.PodCidr} → {spec.PeerAddress})");
        await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = image,
            Cmd = new List<string> { "gobgpd", "--log-level=info" },
            Labels = new Dictionary<string, string> { [Label] = "gobgp", [Label + ".node"] = spec.NodeContainer },
            HostConfig = new HostConfig
            {
                NetworkMode = "container:" + spec.NodeContainer,
                CapAdd = new List<string> { "NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE" },
            },
        }, ct).ConfigureAwait(false);
        await client.Containers.StartContainerAsync(name, new ContainerStartParameters(), ct).ConfigureAwait(false);

        await GobgpAsync(docker, name, ct, "global", "as", spec.Asn.ToString(), "router-id", spec.NodeAddress).ConfigureAwait(false);
        await GobgpAsync(docker, name, ct, "neighbor", "add", spec.PeerAddress, "as", spec.PeerAsn.ToString()).ConfigureAwait(false);
        await GobgpAsync(docker, name, ct, "global", "rib", "-a", "ipv4", "add", spec.PodCidr).ConfigureAwait(false);
        return name;
    }

    /// <summary>Removes the stand-in of a node container, if there is one.</summary>
    public static async Task RemoveAsync(DockerEngine docker, string nodeContainer, CancellationToken ct)
    {
        var client = await docker.ConnectAsync(ct).ConfigureAwait(false);
        try
        {
            await client.Containers.RemoveContainerAsync(ContainerName(nodeContainer), new ContainerRemoveParameters { Force = true }, ct).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    /// <summary>Runs the gobgp CLI in the stand-in, retrying while gobgpd is still starting.</summary>
    private static async Task GobgpAsync(DockerEngine docker, string container, CancellationToken ct, params string[] args)
    {
        var argv = new[] { "gobgp" }.Concat(args).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var result = await docker.ExecAsync(container, argv, ct).ConfigureAwait(false);
            if (result.Succeeded) return;
            var message = (result.Stderr + result.Stdout).Trim();
            var starting = message.Contains("connection refused", StringComparison.OrdinalIgnoreCase)
                           || message.Contains("hasn't started", StringComparison.OrdinalIgnoreCase)
                           || message.Contains("Unavailable", StringComparison.Ordinal);
            if (!starting || DateTime.UtcNow > deadline)
                throw new BgpLabException($"gobgp in '{container}' failed: {result.CommandLine}: {message}", "GobgpCommandFailed",
                    FailureKind.InvalidOperation, container);
            await Task.Delay(300, ct).ConfigureAwait(false);
        }
    }

    /// <summary>The stand-ins of the reference scenario: four Kind nodes, rack0 (AS 65010, tor0 10.0.0.1) and rack1 (AS 65011, tor1 10.0.0.2).</summary>
    public static IReadOnlyList<GobgpStandInSpec> ScenarioSpecs(string cluster = "clab-bgp-cplane-demo")
    {
        string[] nodes = { $"{cluster}-control-plane", $"{cluster}-worker", $"{cluster}-worker2", $"{cluster}-worker3" };
        return nodes.Select((node, i) =>
        {
            var rack0 = i < 2;
            var asn = rack0 ? 65010 : 65011;
            return new GobgpStandInSpec(node, $"10.0.{i + 1}.2", asn, $"10.1.{i}.0/24", rack0 ? "10.0.0.1" : "10.0.0.2", asn);
        }).ToList();
    }
}
