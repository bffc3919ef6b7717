using System.Net;
using System.Text.Json;
using BgpLab.Engine.Common;
using k8s.Autorest;

namespace BgpLab.Engine.Kube;

/// <summary>Turns Kubernetes client failures into BgpLabExceptions carrying the API server's own Status message.</summary>
public static class KubeErrors
{
    /// <summary>Runs an API call, translating its failures (unreachable server, Status errors) for the user.</summary>
    public static async Task<T> Call<T>(KubeConnection connection, string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw FromStatus(connection, what, e);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(connection, e);
        }
    }

    public static BgpLabException Unreachable(KubeConnection connection, Exception e) =>
        new($"The Kubernetes API server {connection.Server} (context {connection.Context}) is not reachable: {e.GetBaseException().Message}",
            "KubeApiUnreachable", FailureKind.ConnectionError, connection.Context, e)
        {
            RecommendedAction = "Check that the cluster is running (Get-KindCluster) and that the kubeconfig points at it (Export-KindKubeconfig).",
        };

    /// <summary>The Status message of an API error (e.g. 'nodes "x" not found'), mapped to a failure kind by HTTP code.</summary>
    public static BgpLabException FromStatus(KubeConnection connection, string what, HttpOperationException e)
    {
        var code = e.Response?.StatusCode ?? 0;
        var message = StatusMessage(e.Response?.Content) ?? e.Message;
        var (id, kind) = code switch
        {
            HttpStatusCode.NotFound => ("KubeObjectNotFound", FailureKind.ObjectNotFound),
            HttpStatusCode.Conflict => ("KubeConflict", FailureKind.ResourceExists),
            HttpStatusCode.UnprocessableEntity => ("KubeObjectInvalid", FailureKind.InvalidData),
            HttpStatusCode.BadRequest => ("KubeBadRequest", FailureKind.InvalidArgument),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ("KubeAccessDenied", FailureKind.PermissionDenied),
            _ => ("KubeApiError", FailureKind.InvalidOperation),
        };
        return new BgpLabException($"{what} failed ({(int)code}): {message}", id, kind, connection.Context, e);
    }

    private static string? StatusMessage(string? body)
    {
        if (string.IsNullOrEmpty(body)) return null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return body.Trim();
        }
    }
}
