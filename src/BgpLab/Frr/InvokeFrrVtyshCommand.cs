using System.Management.Automation;
using System.Text.Json;
using BgpLab.Engine.Common;
using BgpLab.Engine.Frr;

namespace BgpLab.Frr;

/// <summary>
/// <para type="synopsis">Runs vtysh commands on FRR routers and returns their text or parsed JSON.</para>
/// </summary>
/// <remarks>
/// All commands go to one vtysh call per router as separate -c arguments (argv, no shell), so a
/// configuration sequence ('configure terminal', 'router bgp 65000', …) runs in one session. With -AsJson,
/// each JSON document the commands print becomes one object (a Router property is added). Errors from vtysh
/// (unknown command, daemon not running, no vtysh at all) name the router.
/// </remarks>
/// <example>
/// <code>Invoke-FrrVtysh -Lab bgp-cplane-demo -Node tor0 -Command 'show bgp ipv4 summary wide'</code>
/// <para>The text tor0 prints, as a user would read it.</para>
/// </example>
/// <example>
/// <code>(Invoke-FrrVtysh -Container clab-bgp-cplane-demo-router0 -Command 'show bgp ipv4 json' -AsJson).routes.PSObject.Properties.Name</code>
/// <para>The prefixes in router0's BGP table, from the parsed JSON.</para>
/// </example>
[Cmdlet(VerbsLifecycle.Invoke, "FrrVtysh", DefaultParameterSetName = ContainerSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(FrrVtyshOutput), typeof(PSObject))]
public sealed class InvokeFrrVtyshCommand : FrrRouterCmdlet
{
    /// <summary>vtysh commands, each passed as its own -c argument, in order.</summary>
    [Parameter(Mandatory = true)]
    [Alias("c")]
    [ValidateNotNullOrEmpty]
    public string[] Command { get; set; } = Array.Empty<string>();

    /// <summary>Parse the output as JSON: one object per JSON document printed.</summary>
    [Parameter]
    public SwitchParameter AsJson { get; set; }

    protected override void ProcessRouters(IReadOnlyList<FrrRouterTarget> routers)
    {
        var commands = Command;
        var line = string.Join(" ", FrrClient.VtyshArgv(commands).Select(a => a.Contains(' ') ? $"'{a}'" : a));
        var selected = routers.Where(r => ShouldProcess($"{r.Router} ({r.Container})", line)).ToList();
        if (selected.Count == 0) return;
        var results = Run((o, ct) => FrrClient.ForEachRouterAsync(selected, async (t, c) =>
        {
            var output = await Client.RunTextAsync(t, commands, c).ConfigureAwait(false);
            return new List<FrrVtyshOutput> { new() { Router = t.Router, Container = t.Container, Commands = commands, Output = output } };
        }, ct));
        foreach (var r in results)
        {
            if (r.Error is not null) { WriteError(ToErrorRecord(r.Error)); continue; }
            foreach (var output in r.Items)
            {
                if (!AsJson) { WriteObject(output); continue; }
                List<JsonDocument> documents;
                try
                {
                    documents = FrrClient.ParseJsonDocuments(output.Router, output.Output);
                }
                catch (BgpLabException e)
                {
                    WriteError(ToErrorRecord(e));
                    continue;
                }
                foreach (var document in documents)
                {
                    using (document)
                    {
                        var value = JsonToPowerShell.Convert(document.RootElement);
                        if (value is PSObject pso && pso.Properties["Router"] is null) pso.Properties.Add(new PSNoteProperty("Router", output.Router));
                        WriteObject(value, enumerateCollection: false);
                    }
                }
            }
        }
    }
}

/// <summary>JSON as PowerShell sees ConvertFrom-Json's output: objects as PSCustomObject, arrays as object[].</summary>
internal static class JsonToPowerShell
{
    public static object? Convert(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var pso = new PSObject();
                foreach (var p in element.EnumerateObject())
                {
                    if (pso.Properties[p.Name] is null) pso.Properties.Add(new PSNoteProperty(p.Name, Convert(p.Value)));
                }
                return pso;
            case JsonValueKind.Array:
                return element.EnumerateArray().Select(Convert).ToArray();
            case JsonValueKind.String:
                return element.GetString();
            case JsonValueKind.Number:
                return element.TryGetInt64(out var l) ? l : element.GetDouble();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                return null;
        }
    }
}
