using System.Text.Json.Nodes;
using BgpLab.Engine.Common;

namespace BgpLab.Engine.Cilium;

/// <summary>Reads and writes peering policies as multi-document YAML (kubectl's file form).</summary>
public static class CiliumBgpPolicyFile
{
    public static List<CiliumBgpPeeringPolicy> Read(string path)
    {
        if (!File.Exists(path))
            throw new BgpLabException($"Policy file {path} does not exist.", "CiliumPolicyFileNotFound", FailureKind.ObjectNotFound, path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Every CiliumBGPPeeringPolicy document of the text; other kinds are refused naming file and line.</summary>
    public static List<CiliumBgpPeeringPolicy> Parse(string text, string source)
    {
        var result = new List<CiliumBgpPeeringPolicy>();
        foreach (var doc in CiliumYaml.ParseDocuments(text, source))
        {
            var where = $"{source}:{doc.Line}";
            if (doc.Node is not JsonObject o)
                throw new BgpLabException($"{where}: expected a Kubernetes object, found {doc.Node?.GetValueKind()}.", "CiliumPolicyFileInvalid", FailureKind.InvalidData, source);
            var kind = o["kind"]?.ToString();
            var apiVersion = o["apiVersion"]?.ToString();
            if (kind != CiliumBgpPeeringPolicy.KindName || apiVersion != CiliumBgpPeeringPolicy.ApiVersion)
                throw new BgpLabException($"{where}: {apiVersion}/{kind} is not a {CiliumBgpPeeringPolicy.ApiVersion} {CiliumBgpPeeringPolicy.KindName}.",
                    "CiliumPolicyFileWrongKind", FailureKind.InvalidData, source);
            CiliumBgpPeeringPolicy.Schema.EnsureValid(o, $"{where} ({o["metadata"]?["name"]})");
            result.Add(CiliumBgpPeeringPolicy.FromJson(o, where));
        }
        return result;
    }

    public static string Write(IEnumerable<CiliumBgpPeeringPolicy> policies) => CiliumYaml.Write(policies.Select(p => (JsonNode?)p.ToJson()));
}
