using System.Diagnostics;
using System.Net.Sockets;
using BgpLab.Engine.Common;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace BgpLab.Engine.Docker;

/// <summary>
/// The one place that talks to the Docker engine. Connects to DOCKER_HOST (or the local socket),
/// negotiates the API version (engines from 20.10 / API 1.41 to current ones), and offers the few
/// operations the domains share. Domain code uses <see cref="ConnectAsync"/>'s client for anything else.
/// </summary>
public sealed class DockerEngine : IDisposable
{
    private static readonly Lazy<DockerEngine> DefaultEngine = new(() => new DockerEngine(null));
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private IDockerClient? _client;

    public DockerEngine(string? endpoint)
    {
        Endpoint = new Uri(endpoint ?? Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "unix:///var/run/docker.sock");
    }

    /// <summary>The process-wide engine for the default endpoint (one client, reused).</summary>
    public static DockerEngine Default => DefaultEngine.Value;

    public Uri Endpoint { get; }

    /// <summary>The API version agreed with the engine (known after <see cref="ConnectAsync"/>).</summary>
    public System.Version? ApiVersion { get; private set; }

    public string? EngineVersion { get; private set; }

    /// <summary>The connected client; throws a clear error when the engine is not reachable.</summary>
    public async Task<IDockerClient> ConnectAsync(CancellationToken ct)
    {
        if (_client is not null) return _client;
        await _connectLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_client is not null) return _client;
            // Ask unversioned first: the engine answers with its own API version, which we then pin, so
            // requests never carry a version newer than the engine knows (20.10 refuses those).
            using var probe = new DockerClientBuilder().WithEndpoint(Endpoint).Build();
            VersionResponse version;
            try
            {
                version = await probe.System.GetVersionAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or SocketException or IOException or DockerApiException or TimeoutException
                                          || e.InnerException is SocketException)
            {
                throw new BgpLabException(
                    $"The Docker engine at {Endpoint} is not reachable: {e.GetBaseException().Message}",
                    "DockerEngineUnreachable", FailureKind.ConnectionError, Endpoint.ToString(), e)
                {
                    RecommendedAction = "Start the engine (for example: dockerd &) or point DOCKER_HOST at a running one.",
                };
            }
            EngineVersion = version.Version;
            ApiVersion = System.Version.Parse(version.APIVersion);
            _client = new DockerClientBuilder().WithEndpoint(Endpoint).WithApiVersion(ApiVersion).Build();
            return _client;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>The inspected container, or null when no container has that name or id.</summary>
    public async Task<ContainerInspectResponse?> TryInspectContainerAsync(string nameOrId, CancellationToken ct)
    {
        var client = await ConnectAsync(ct).ConfigureAwait(false);
        try
        {
            return await client.Containers.InspectContainerAsync(nameOrId, ct).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Containers (running or not when <paramref name="all"/>) carrying every given label; a null value
    /// means "label present, any value" (docker's <c>label=key</c> filter), else <c>label=key=value</c>.
    /// </summary>
    public async Task<IList<ContainerListResponse>> ListContainersAsync(IReadOnlyDictionary<string, string?> labels, CancellationToken ct, bool all = true)
    {
        var client = await ConnectAsync(ct).ConfigureAwait(false);
        return await client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = all,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = labels.ToDictionary(kv => kv.Value is null ? kv.Key : $"{kv.Key}={kv.Value}", _ => true),
            },
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs argv in a container without a shell and collects stdout, stderr and the exit code.
    /// </summary>
    public async Task<ExecResult> ExecAsync(string container, IReadOnlyList<string> argv, CancellationToken ct,
        string? user = null, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var client = await ConnectAsync(ct).ConfigureAwait(false);
        var started = Stopwatch.StartNew();
        var created = await CreateExecAsync(client, container, argv, user, environment, workingDirectory, ct).ConfigureAwait(false);

        string stdout, stderr;
        using (var stream = await client.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters(), ct).ConfigureAwait(false))
        {
            (stdout, stderr) = await stream.ReadOutputToEndAsync(ct).ConfigureAwait(false);
        }
        return await FinishExecAsync(client, created.ID, container, argv, stdout, stderr, started, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs argv in a container and copies its stdout as raw bytes into <paramref name="stdout"/> (for large
    /// outputs that are parsed straight from UTF-8, without an intermediate string). The result's Stdout is empty.
    /// </summary>
    public async Task<ExecResult> ExecToStreamAsync(string container, IReadOnlyList<string> argv, Stream stdout, CancellationToken ct)
    {
        var client = await ConnectAsync(ct).ConfigureAwait(false);
        var started = Stopwatch.StartNew();
        var created = await CreateExecAsync(client, container, argv, null, null, null, ct).ConfigureAwait(false);
        using var stderr = new MemoryStream();
        using (var stream = await client.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters(), ct).ConfigureAwait(false))
        {
            await stream.CopyOutputToAsync(Stream.Null, stdout, stderr, ct).ConfigureAwait(false);
        }
        var stderrText = System.Text.Encoding.UTF8.GetString(stderr.GetBuffer(), 0, (int)stderr.Length);
        return await FinishExecAsync(client, created.ID, container, argv, "", stderrText, started, ct).ConfigureAwait(false);
    }

    private static async Task<ContainerExecCreateResponse> CreateExecAsync(IDockerClient client, string container, IReadOnlyList<string> argv,
        string? user, IReadOnlyDictionary<string, string>? environment, string? workingDirectory, CancellationToken ct)
    {
        if (argv.Count == 0) throw new BgpLabException("No command was given.", "EmptyCommand", FailureKind.InvalidArgument, container);
        ContainerExecCreateResponse created;
        try
        {
            created = await client.Exec.CreateContainerExecAsync(container, new ContainerExecCreateParameters
            {
                Cmd = argv.ToList(),
                AttachStdout = true,
                AttachStderr = true,
                User = user ?? "",
                Env = environment?.Select(kv => $"{kv.Key}={kv.Value}").ToList(),
                WorkingDir = workingDirectory ?? "",
            }, ct).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException e)
        {
            throw new BgpLabException($"Container '{container}' does not exist.", "ContainerNotFound", FailureKind.ObjectNotFound, container, e);
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict)
        {
            throw new BgpLabException($"Container '{container}' is not running: {DockerErrors.MessageOf(e)}", "ContainerNotRunning",
                FailureKind.InvalidOperation, container, e);
        }
        return created;
    }

    private static async Task<ExecResult> FinishExecAsync(IDockerClient client, string execId, string container, IReadOnlyList<string> argv,
        string stdout, string stderr, Stopwatch started, CancellationToken ct)
    {
        var inspected = await client.Exec.InspectContainerExecAsync(execId, ct).ConfigureAwait(false);
        if (inspected.ExitCode is 126 or 127)
        {
            // The engine reports "executable not found" as output of the exec itself; keep it as stderr.
            if (stderr.Length == 0 && stdout.Contains("executable file not found", StringComparison.Ordinal)) (stdout, stderr) = ("", stdout);
        }
        return new ExecResult
        {
            Container = container,
            Command = argv.ToArray(),
            ExitCode = inspected.ExitCode ?? -1,
            Stdout = stdout,
            Stderr = stderr,
            Duration = started.Elapsed,
        };
    }

    public void Dispose() => _client?.Dispose();
}

internal static class DockerErrors
{
    /// <summary>The engine's own message out of a Docker API error body ({"message":"..."}).</summary>
    public static string MessageOf(DockerApiException e)
    {
        var body = e.ResponseBody ?? "";
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("message", out var m)) return m.GetString() ?? body;
        }
        catch (System.Text.Json.JsonException) { }
        return body.Trim();
    }
}
