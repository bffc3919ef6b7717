using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace BgpLab.Engine.Clab;

/// <summary>A node as a graph shows it.</summary>
public sealed record ClabGraphNode(string Name, string Kind, string? Image, string State, string? MgmtIPv4);

/// <summary>
/// The counterpart of <c>containerlab graph</c>: a lab (deployed, with node states) or a topology file
/// (offline) as Mermaid, Graphviz DOT or a self-contained HTML page (inline SVG, no external resources).
/// Unlike containerlab's dot/mermaid output, edges carry their interface names.
/// </summary>
public sealed class ClabGraph
{
    public ClabGraph(string name, IEnumerable<ClabGraphNode> nodes, IEnumerable<ClabLink> links)
    {
        Name = name;
        Links = links.ToList();
        var list = nodes.ToList();
        // Ends of links whose node is not listed (e.g. not deployed) still appear, state unknown.
        foreach (var missing in Links.SelectMany(l => new[] { l.ANode, l.ZNode }).Distinct().Where(n => list.All(x => x.Name != n)).ToList())
            list.Add(new ClabGraphNode(missing, "", null, "unknown", null));
        Nodes = list;
    }

    public string Name { get; }
    public IReadOnlyList<ClabGraphNode> Nodes { get; }
    public IReadOnlyList<ClabLink> Links { get; }

    public static ClabGraph FromLab(ClabLab lab) =>
        new(lab.Name, lab.Nodes.Select(n => new ClabGraphNode(n.Name, n.Kind, n.Image, n.State, n.MgmtIPv4)), lab.Links);

    public static ClabGraph FromTopology(ClabTopology topology) =>
        new(topology.Name,
            topology.Nodes.Select(n => new ClabGraphNode(n.Name, n.Kind, n.Image, "not deployed", n.Effective.MgmtIPv4)),
            topology.Links.Where(l => l.Endpoints.Count == 2).Select(l => new ClabLink
            {
                Lab = topology.Name, ANode = l.Endpoints[0].Node, AInterface = l.Endpoints[0].Interface,
                ZNode = l.Endpoints[1].Node, ZInterface = l.Endpoints[1].Interface, Mtu = l.Mtu ?? Net.NetworkLinks.DefaultMtu,
            }));

    private string Id(string node) => "n" + Nodes.Select((n, i) => (n, i)).First(x => x.n.Name == node).i.ToString(CultureInfo.InvariantCulture);

    public string ToMermaid(string direction = "TD")
    {
        var text = new StringBuilder();
        text.Append("---\ntitle: ").Append(Name).Append("\n---\ngraph ").Append(direction).Append('\n');
        foreach (var n in Nodes)
            text.Append("  ").Append(Id(n.Name)).Append("[\"").Append(MermaidText(n.Name)).Append("<br/><small>")
                .Append(MermaidText(n.Kind)).Append(", ").Append(MermaidText(n.State)).Append("</small>\"]\n");
        foreach (var l in Links)
            text.Append("  ").Append(Id(l.ANode)).Append(" ---|\"").Append(MermaidText(l.AInterface)).Append(" — ")
                .Append(MermaidText(l.ZInterface)).Append("\"| ").Append(Id(l.ZNode)).Append('\n');
        return text.ToString();
    }

    public string ToDot()
    {
        var text = new StringBuilder();
        text.Append("graph ").Append(DotId(Name)).Append(" {\n  node [shape=box style=\"rounded,filled\" fontname=\"Helvetica\"];\n");
        foreach (var n in Nodes)
            text.Append("  ").Append(DotId(n.Name)).Append(" [label=").Append(DotId($"{n.Name}\n{n.Kind}")).Append(" xlabel=").Append(DotId(n.State))
                .Append(" fillcolor=").Append(DotId(n.State == "running" ? "palegreen" : n.State == "not deployed" ? "lightgrey" : "lightsalmon")).Append("];\n");
        foreach (var l in Links)
            text.Append("  ").Append(DotId(l.ANode)).Append(" -- ").Append(DotId(l.ZNode)).Append(" [taillabel=").Append(DotId(l.AInterface))
                .Append(" headlabel=").Append(DotId(l.ZInterface)).Append("];\n");
        return text.Append("}\n").ToString();
    }

    /// <summary>One HTML file: an SVG drawing (nodes on a circle, links labelled at both ends) and node/link tables.</summary>
    public string ToHtml()
    {
        const int size = 640, radius = 240, center = size / 2;
        var positions = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        for (var i = 0; i < Nodes.Count; i++)
        {
            var angle = 2 * Math.PI * i / Math.Max(1, Nodes.Count) - Math.PI / 2;
            positions[Nodes[i].Name] = (center + radius * Math.Cos(angle), center + radius * Math.Sin(angle));
        }
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(Name)).Append(" — BgpLab graph</title>\n<style>")
            .Append("body{font-family:Helvetica,Arial,sans-serif;margin:1.5em}svg{border:1px solid #ccc;background:#fafafa}")
            .Append("table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}")
            .Append(".running{fill:#b8e6b8}.other{fill:#f5c6b5}.link{stroke:#555;stroke-width:2}.if{font-size:11px;fill:#333}.name{font-weight:bold;font-size:13px}")
            .Append("</style></head><body>\n<h1>").Append(E(Name)).Append("</h1>\n");
        h.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(size).Append("\" height=\"").Append(size).Append("\" viewBox=\"0 0 ").Append(size).Append(' ').Append(size).Append("\">\n");
        foreach (var l in Links)
        {
            var (ax, ay) = positions[l.ANode];
            var (zx, zy) = positions[l.ZNode];
            h.Append("<line class=\"link\" x1=\"").Append(F(ax)).Append("\" y1=\"").Append(F(ay)).Append("\" x2=\"").Append(F(zx)).Append("\" y2=\"").Append(F(zy)).Append("\"/>\n");
            h.Append("<text class=\"if\" x=\"").Append(F(ax + (zx - ax) * 0.25)).Append("\" y=\"").Append(F(ay + (zy - ay) * 0.25)).Append("\">").Append(E(l.AInterface)).Append("</text>\n");
            h.Append("<text class=\"if\" x=\"").Append(F(ax + (zx - ax) * 0.75)).Append("\" y=\"").Append(F(ay + (zy - ay) * 0.75)).Append("\">").Append(E(l.ZInterface)).Append("</text>\n");
        }
        foreach (var n in Nodes)
        {
            var (x, y) = positions[n.Name];
            h.Append("<g><title>").Append(E($"{n.Name} ({n.Kind}) {n.Image} {n.State} {n.MgmtIPv4}")).Append("</title><rect class=\"").Append(n.State == "running" ? "running" : "other")
                .Append("\" x=\"").Append(F(x - 55)).Append("\" y=\"").Append(F(y - 20)).Append("\" width=\"110\" height=\"40\" rx=\"8\" stroke=\"#333\"/>")
                .Append("<text class=\"name\" text-anchor=\"middle\" x=\"").Append(F(x)).Append("\" y=\"").Append(F(y - 3)).Append("\">").Append(E(n.Name)).Append("</text>")
                .Append("<text class=\"if\" text-anchor=\"middle\" x=\"").Append(F(x)).Append("\" y=\"").Append(F(y + 12)).Append("\">").Append(E(n.State)).Append("</text></g>\n");
        }
        h.Append("</svg>\n<table><tr><th>Node</th><th>Kind</th><th>Image</th><th>State</th><th>Mgmt IPv4</th></tr>\n");
        foreach (var n in Nodes)
            h.Append("<tr><td>").Append(E(n.Name)).Append("</td><td>").Append(E(n.Kind)).Append("</td><td>").Append(E(n.Image ?? "")).Append("</td><td>")
                .Append(E(n.State)).Append("</td><td>").Append(E(n.MgmtIPv4 ?? "")).Append("</td></tr>\n");
        h.Append("</table>\n<table><tr><th>A</th><th>Z</th><th>MTU</th></tr>\n");
        foreach (var l in Links)
            h.Append("<tr><td>").Append(E(l.A)).Append("</td><td>").Append(E(l.Z)).Append("</td><td>").Append(l.Mtu).Append("</td></tr>\n");
        h.Append("</table>\n<script type=\"application/json\" id=\"graph-data\">")
            .Append(JsonSerializer.Serialize(new
            {
                name = Name,
                nodes = Nodes.Select(n => new { name = n.Name, kind = n.Kind, image = n.Image, state = n.State, ipv4_address = n.MgmtIPv4 }),
                links = Links.Select(l => new { source = l.ANode, source_endpoint = l.AInterface, target = l.ZNode, target_endpoint = l.ZInterface }),
            }).Replace("</", "<\\/"))
            .Append("</script>\n</body></html>\n");
        return h.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string MermaidText(string s) => s.Replace("\"", "#quot;");

    private static string DotId(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
}
