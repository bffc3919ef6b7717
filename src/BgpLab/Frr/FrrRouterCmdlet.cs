using System.Management.Automation;
using BgpLab.Common;
using BgpLab.Engine.Docker;
using BgpLab.Engine.Frr;

namespace BgpLab.Frr;

/// <summary>
/// Base of the FRR cmdlets: routers are named by lab + node (containerlab labels), by container name/id,
/// or arrive from the pipeline (objects with ContainerName, or Lab + Name). Targets are collected over
/// the whole pipeline and queried together, in parallel, at the end.
/// </summary>
public abstract class FrrRouterCmdlet : BgpLabCmdlet
{
    protected const string ContainerSet = "Container";
    protected const string LabSet = "Lab";

    private readonly List<string> _containers = new();
    private readonly List<(string Lab, string[]? Nodes)> _labNodes = new();

    /// <summary>
    /// Containers (name or id) running FRR; any FRR container works, deployed by BgpLab or not.
    /// Binds from the ContainerName property of piped node objects.
    /// </summary>
    [Parameter(ParameterSetName = ContainerSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ContainerName")]
    [ValidateNotNullOrEmpty]
    public string[] Container { get; set; } = Array.Empty<string>();

    /// <summary>The containerlab lab (topology name) whose nodes to query.</summary>
    [Parameter(ParameterSetName = LabSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BgpLab.Clab.ClabLabNameCompleter))]
    public string Lab { get; set; } = "";

    /// <summary>Node names in the lab (e.g. tor0,tor1). Without it: every node of the lab that runs an FRR image.</summary>
    [Parameter(ParameterSetName = LabSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(BgpLab.Clab.ClabNodeNameCompleter))]
    public string[]? Node { get; set; }

    protected FrrClient Client { get; } = new(DockerEngine.Default);

    protected override void ProcessRecord()
    {
        if (ParameterSetName == LabSet) _labNodes.Add((Lab, Node is { Length: > 0 } ? Node : null));
        else _containers.AddRange(Container);
    }

    protected override void EndProcessing()
    {
        if (_containers.Count == 0 && _labNodes.Count == 0) return;
        var targets = Run((o, ct) => ResolveAsync(ct));
        if (targets.Count == 0)
        {
            WriteWarning("No FRR routers matched.");
            return;
        }
        ProcessRouters(targets);
    }

    /// <summary>Does the cmdlet's work on all resolved routers.</summary>
    protected abstract void ProcessRouters(IReadOnlyList<FrrRouterTarget> routers);

    /// <summary>Writes each router's items in router order, and each failing router as a non-terminating error.</summary>
    protected void WriteResults<T>(IReadOnlyList<FrrRouterResult<T>> results)
    {
        foreach (var r in results)
        {
            if (r.Error is not null) WriteError(ToErrorRecord(r.Error));
            else WriteObjects(r.Items);
        }
    }

    private async Task<IReadOnlyList<FrrRouterTarget>> ResolveAsync(CancellationToken ct)
    {
        var docker = DockerEngine.Default;
        var targets = new List<FrrRouterTarget>();
        foreach (var group in _labNodes.GroupBy(l => l.Lab, StringComparer.Ordinal))
        {
            var nodes = group.Any(g => g.Nodes is null) ? null : group.SelectMany(g => g.Nodes!).Distinct(StringComparer.Ordinal).ToList();
            targets.AddRange(await FrrTargetResolver.ResolveLabAsync(docker, group.Key, nodes, ct).ConfigureAwait(false));
        }
        var resolved = await Task.WhenAll(_containers.Distinct(StringComparer.Ordinal)
            .Select(c => FrrTargetResolver.ResolveContainerAsync(docker, c, ct))).ConfigureAwait(false);
        targets.AddRange(resolved);
        return targets.DistinctBy(t => t.Container).ToList();
    }
}
