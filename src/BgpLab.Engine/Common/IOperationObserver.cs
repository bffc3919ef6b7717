namespace BgpLab.Engine.Common;

/// <summary>One progress update of a long operation. PercentComplete is -1 when unknown.</summary>
public sealed record ProgressUpdate(int ActivityId, string Activity, string Status, int PercentComplete = -1,
    int ParentActivityId = -1, bool Completed = false, string? CurrentOperation = null);

/// <summary>
/// How engines talk back while they work. Engines run on thread-pool threads, so implementations must be
/// thread-safe; the cmdlet base queues these and writes them on the pipeline thread.
/// </summary>
public interface IOperationObserver
{
    void Progress(ProgressUpdate update);
    void Verbose(string message);
    void Warning(string message);
}

/// <summary>An observer that discards everything: for engine callers that do not care.</summary>
public sealed class NullObserver : IOperationObserver
{
    public static readonly NullObserver Instance = new();
    public void Progress(ProgressUpdate update) { }
    public void Verbose(string message) { }
    public void Warning(string message) { }
}
