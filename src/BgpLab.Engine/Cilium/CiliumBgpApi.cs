using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BgpLab.Engine.Common;
using BgpLab.Engine.Kube;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace BgpLab.Engine.Cilium;

/// <summary>Which BGP control plane APIs a cluster's CRDs serve.</summary>
public sealed record CiliumBgpApiSupport(bool PeeringPolicyV1, string? V2Version)
{
    public override string ToString() =>
        string.Join(", ", new[] { PeeringPolicyV1 ? "CiliumBGPPeeringPolicy (cilium.io/v2alpha1)" : null, V2Version is null ? null : $"CiliumBGPClusterConfig (cilium.io/{V2Version})" }
            .Where(s => s is not null).DefaultIfEmpty("no Cilium BGP CRDs"));
}

/// <summary>Reads and writes Cilium's BGP custom objects (cluster-scoped) through one Kubernetes connection.</summary>
public static class CiliumBgpApi
{
    public const string Group = "cilium.io";
    public const string FieldManager = "bgplab";

    /// <summary>Which BGP APIs the cluster serves, from its CustomResourceDefinitions.</summary>
    public static async Task<CiliumBgpApiSupport> DetectAsync(KubeConnection connection, CancellationToken ct)
    {
        async Task<V1CustomResourceDefinition?> Crd(string name)
        {
            try
            {
                return await connection.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            catch (HttpRequestException e)
            {
                throw KubeErrors.Unreachable(connection, e);
            }
        }
        var v1 = await Crd("ciliumbgppeeringpolicies.cilium.io").ConfigureAwait(false);
        var v2 = await Crd("ciliumbgpclusterconfigs.cilium.io").ConfigureAwait(false);
        var served = v2?.Spec.Versions.Where(v => v.Served).Select(v => v.Name).ToList() ?? new();
        return new CiliumBgpApiSupport(v1?.Spec.Versions.Any(v => v.Name == "v2alpha1" && v.Served) == true,
            served.Contains("v2") ? "v2" : served.Contains("v2alpha1") ? "v2alpha1" : null);
    }

    /// <summary>Throws a clear error naming what to use when the cluster does not serve the API of <paramref name="kind"/>.</summary>
    public static async Task<CiliumBgpApiSupport> EnsureServedAsync(KubeConnection connection, string kind, CancellationToken ct)
    {
        var support = await DetectAsync(connection, ct).ConfigureAwait(false);
        var v1 = kind == CiliumBgpPeeringPolicy.KindName;
        if (v1 && !support.PeeringPolicyV1)
        {
            throw new BgpLabException(
                $"The cluster (context {connection.Context}) does not serve CiliumBGPPeeringPolicy (cilium.io/v2alpha1); it serves {support}.",
                "CiliumBgpV1NotServed", FailureKind.NotInstalled, connection.Context)
            {
                RecommendedAction = support.V2Version is not null
                    ? "This Cilium uses BGP control plane v2: use New-CiliumBgpClusterConfig / New-CiliumBgpPeerConfig / New-CiliumBgpAdvertisement, or convert policies with ConvertTo-CiliumBgpV2 | Set-CiliumBgpObject."
                    : "Install Cilium with the BGP control plane enabled (Install-Cilium -EnableBgpControlPlane); its operator registers the CRDs.",
            };
        }
        if (!v1 && support.V2Version is null)
        {
            throw new BgpLabException(
                $"The cluster (context {connection.Context}) does not serve the BGP control plane v2 ({kind}); it serves {support}.",
                "CiliumBgpV2NotServed", FailureKind.NotInstalled, connection.Context)
            {
                RecommendedAction = support.PeeringPolicyV1
                    ? "This Cilium (before 1.16) has only BGP control plane v1: use New-CiliumBgpPeeringPolicy."
                    : "Install Cilium with the BGP control plane enabled (Install-Cilium -EnableBgpControlPlane); its operator registers the CRDs.",
            };
        }
        return support;
    }

    /// <summary>Validates against the CRD schema, then server-side applies (strict field validation); returns the object stored.</summary>
    public static async Task<JsonObject> ApplyAsync(KubeConnection connection, ICiliumObject obj, CancellationToken ct)
    {
        var json = obj.ToJson();
        CiliumObjects.SchemaOf(obj).EnsureValid(json, $"{obj.Kind} {obj.Name}");
        var version = obj.ApiVersion.Split('/')[1];
        var result = await Call(connection, $"Applying {obj.Kind} {obj.Name}", () => connection.Client.CustomObjects.PatchClusterCustomObjectAsync(
            new V1Patch(json.ToJsonString(), V1Patch.PatchType.ApplyPatch), Group, version, obj.Plural, obj.Name,
            fieldManager: FieldManager, fieldValidation: "Strict", force: true, cancellationToken: ct)).ConfigureAwait(false);
        return ToJson(result);
    }

    public static async Task<JsonObject?> GetAsync(KubeConnection connection, string apiVersion, string plural, string name, CancellationToken ct)
    {
        try
        {
            var result = await connection.Client.CustomObjects.GetClusterCustomObjectAsync(Group, apiVersion.Split('/')[1], plural, name, ct).ConfigureAwait(false);
            return ToJson(result);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException e)
        {
            throw KubeErrors.FromStatus(connection, $"Reading {plural}/{name}", e);
        }
        catch (HttpRequestException e)
        {
            throw KubeErrors.Unreachable(connection, e);
        }
    }

    public static async Task<IReadOnlyList<JsonObject>> ListAsync(KubeConnection connection, string apiVersion, string plural, CancellationToken ct)
    {
        var result = await Call(connection, $"Listing {plural}", () =>
            connection.Client.CustomObjects.ListClusterCustomObjectAsync(Group, apiVersion.Split('/')[1], plural, cancellationToken: ct)).ConfigureAwait(false);
        return ToJson(result)["items"]?.AsArray().OfType<JsonObject>().ToList() ?? new List<JsonObject>();
    }

    /// <summary>Deletes the object; false when it did not exist.</summary>
    public static async Task<bool> DeleteAsync(KubeConnection connection, string apiVersion, string plural, string name, CancellationToken ct)
    {
        try
        {
            await connection.Client.CustomObjects.DeleteClusterCustomObjectAsync(Group, apiVersion.Split('/')[1], plural, name, cancellationToken: ct).ConfigureAwait(false);
            return true;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (HttpOperationException e)
        {
            throw KubeErrors.FromStatus(connection, $"Deleting {plural}/{name}", e);
        }
        catch (HttpRequestException e)
        {
            throw KubeErrors.Unreachable(connection, e);
        }
    }

    private static Task<object> Call(KubeConnection connection, string what, Func<Task<object>> call) => KubeErrors.Call(connection, what, call);

    internal static JsonObject ToJson(object result) => result switch
    {
        JsonElement e => JsonNode.Parse(e.GetRawText())!.AsObject(),
        JsonObject o => o,
        _ => JsonNode.Parse(JsonSerializer.Serialize(result))!.AsObject(),
    };
}
