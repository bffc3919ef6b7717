using BgpLab.Engine.Common;

namespace BgpLab.Engine.Clab;

/// <summary>Builds topologies in memory (what New-ClabTopology, New-ClabNode and New-ClabLink use).</summary>
public static class ClabTopologyBuilder
{
    public static ClabTopology NewTopology(string name, string? prefix = null, string? mgmtNetwork = null, string? mgmtIPv4Subnet = null)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new BgpLabException("A topology needs a name.", "ClabTopologyNameMissing", FailureKind.InvalidArgument, name);
        return new ClabTopology
        {
            Name = name,
            Prefix = prefix,
            Mgmt = new ClabMgmt { Network = mgmtNetwork, IPv4Subnet = mgmtIPv4Subnet },
        };
    }

    /// <summary>A node whose own settings are the given ones (effective settings follow when it joins a topology).</summary>
    public static ClabNode NewNode(string name, string? kind = null, string? image = null, string? group = null, string? cmd = null,
        string? networkMode = null, IEnumerable<string>? exec = null, IEnumerable<string>? binds = null,
        IDictionary<string, string>? env = null, IDictionary<string, string>? labels = null)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new BgpLabException("A node needs a name.", "ClabNodeNameMissing", FailureKind.InvalidArgument, name);
        var own = new ClabNodeSettings
        {
            Kind = kind, Image = image, Group = group, Cmd = cmd, NetworkMode = networkMode,
            Exec = exec?.ToList(), Binds = binds?.ToList(),
            Env = env is null ? null : new(env, StringComparer.Ordinal),
            Labels = labels is null ? null : new(labels, StringComparer.Ordinal),
        };
        return new ClabNode { Name = name, Own = own, Effective = own.Clone() };
    }

    /// <summary>Adds a node and recomputes every node's effective settings; a second node of the same name is refused.</summary>
    public static ClabNode AddNode(ClabTopology topology, ClabNode node)
    {
        if (topology.FindNode(node.Name) is not null)
            throw new BgpLabException($"Topology \"{topology.Name}\" already has a node \"{node.Name}\".", "ClabNodeExists", FailureKind.ResourceExists, node.Name);
        topology.Nodes.Add(node);
        ClabInheritance.Apply(topology);
        return node;
    }

    /// <summary>A brief link between two "node:interface" endpoints.</summary>
    public static ClabLinkDefinition NewLink(string endpointA, string endpointB, int? mtu = null) => new()
    {
        Endpoints = [ParseEndpoint(endpointA), ParseEndpoint(endpointB)],
        Mtu = mtu,
    };

    /// <summary>Splits "node:interface" on the first colon, as containerlab does.</summary>
    public static ClabEndpoint ParseEndpoint(string text)
    {
        var colon = text.IndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            throw new BgpLabException($"Link endpoint \"{text}\" must be \"node:interface\".", "ClabEndpointInvalid", FailureKind.InvalidArgument, text);
        return new ClabEndpoint { Node = text[..colon], Interface = text[(colon + 1)..] };
    }

    /// <summary>
    /// Node settings from plain data keyed like the file (<c>cmd</c>, <c>image</c>, <c>exec</c>, <c>env</c>, ...):
    /// read by the same strict loader, so unknown keys and wrong types fail exactly as in a file.
    /// </summary>
    public static ClabNodeSettings SettingsFrom(IDictionary<string, object?> values, string what)
    {
        var carrier = new ClabTopology { Name = "settings", Defaults = new ClabNodeSettings { Extra = new(values, StringComparer.Ordinal) } };
        var yaml = ClabTopologyWriter.ToYaml(carrier);
        try
        {
            return ClabTopologyLoader.Parse(yaml, what, new Dictionary<string, string?>()).Defaults ?? new ClabNodeSettings();
        }
        catch (ClabTopologyException e)
        {
            throw new BgpLabException($"{what}: {e.Problem.Replace("topology.defaults", "the settings")}", "ClabSettingsInvalid", FailureKind.InvalidArgument, what);
        }
    }
}
