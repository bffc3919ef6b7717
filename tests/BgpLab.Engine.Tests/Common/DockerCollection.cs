namespace BgpLab.Engine.Tests.Common;

/// <summary>
/// Tests that use the shared Docker engine (containers, networks, the scenario's fixed container names)
/// join this collection so they never run concurrently with each other; pure unit tests stay parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DockerCollection
{
    public const string Name = "Docker";
}
