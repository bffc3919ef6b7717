using System.Collections.Concurrent;
using System.Management.Automation;
using BgpLab.Engine.Common;

namespace BgpLab.Common;

/// <summary>
/// Base of every BgpLab cmdlet: bridges async engine calls onto the pipeline thread once, here.
/// Engines report progress/verbose/warnings from any thread; these are queued and written on the
/// pipeline thread while the call runs. Ctrl+C (StopProcessing) cancels the call's token, and
/// <see cref="BgpLabException"/>s become proper ErrorRecords (no stack traces for expected failures).
/// </summary>
public abstract class BgpLabCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>Runs an engine call, pumping its messages onto the pipeline until it completes.</summary>
    protected T Run<T>(Func<IOperationObserver, CancellationToken, Task<T>> operation)
    {
        var observer = new QueuedObserver();
        Task<T> task;
        try
        {
            task = Task.Run(() => operation(observer, _stopping.Token));
        }
        catch (Exception e)
        {
            throw Wrap(e);
        }
        // Completion is signalled through the queue so the pipeline thread wakes for either.
        task.ContinueWith(_ => observer.Complete(), TaskScheduler.Default);
        foreach (var message in observer.Messages.GetConsumingEnumerable())
        {
            Write(message);
        }
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            throw Wrap(e);
        }
    }

    protected void Run(Func<IOperationObserver, CancellationToken, Task> operation) =>
        Run<bool>(async (o, ct) => { await operation(o, ct).ConfigureAwait(false); return true; });

    /// <summary>Runs an engine call and reports a failure as a non-terminating error (one bad target among many).</summary>
    protected bool TryRun<T>(Func<IOperationObserver, CancellationToken, Task<T>> operation, out T? result)
    {
        try
        {
            result = Run(operation);
            return true;
        }
        catch (ErrorRecordException e)
        {
            WriteError(e.ErrorRecord);
            result = default;
            return false;
        }
    }

    /// <summary>Writes each item of a sequence to the pipeline (not the sequence as one object).</summary>
    protected void WriteObjects<T>(IEnumerable<T> items)
    {
        foreach (var item in items) WriteObject(item);
    }

    /// <summary>Throws the engine failure as a terminating error with the right category and target.</summary>
    protected void ThrowTerminating(BgpLabException e) => ThrowTerminatingError(ToErrorRecord(e));

    /// <summary>Turns any exception into a terminating error (BgpLabException → its own id and category).</summary>
    protected Exception Wrap(Exception e)
    {
        var inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e;
        return new ErrorRecordException(ToErrorRecord(inner));
    }

    public static ErrorRecord ToErrorRecord(Exception e)
    {
        if (e is BgpLabException b)
        {
            var record = new ErrorRecord(b, b.ErrorId, Category(b.Kind), b.Target);
            if (b.RecommendedAction is not null) record.ErrorDetails = new ErrorDetails(b.Message) { RecommendedAction = b.RecommendedAction };
            return record;
        }
        if (e is ErrorRecordException r) return r.ErrorRecord;
        return new ErrorRecord(e, e.GetType().Name, ErrorCategory.NotSpecified, null);
    }

    private static ErrorCategory Category(FailureKind kind) => kind switch
    {
        FailureKind.InvalidArgument => ErrorCategory.InvalidArgument,
        FailureKind.InvalidData => ErrorCategory.InvalidData,
        FailureKind.ParserError => ErrorCategory.ParserError,
        FailureKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        FailureKind.ResourceExists => ErrorCategory.ResourceExists,
        FailureKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        FailureKind.InvalidOperation => ErrorCategory.InvalidOperation,
        FailureKind.PermissionDenied => ErrorCategory.PermissionDenied,
        FailureKind.OperationTimeout => ErrorCategory.OperationTimeout,
        FailureKind.ConnectionError => ErrorCategory.ConnectionError,
        FailureKind.NotInstalled => ErrorCategory.NotInstalled,
        _ => ErrorCategory.NotSpecified,
    };

    private void Write(object message)
    {
        switch (message)
        {
            case ProgressUpdate p:
                WriteProgress(new ProgressRecord(p.ActivityId, p.Activity, string.IsNullOrEmpty(p.Status) ? p.Activity : p.Status)
                {
                    PercentComplete = Math.Clamp(p.PercentComplete, -1, 100),
                    ParentActivityId = p.ParentActivityId,
                    CurrentOperation = p.CurrentOperation,
                    RecordType = p.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
                });
                break;
            case VerboseMessage v:
                WriteVerbose(v.Text);
                break;
            case WarningMessage w:
                WriteWarning(w.Text);
                break;
        }
    }

    private sealed record VerboseMessage(string Text);

    private sealed record WarningMessage(string Text);

    private sealed class QueuedObserver : IOperationObserver
    {
        public BlockingCollection<object> Messages { get; } = new();
        public void Progress(ProgressUpdate update) => Add(update);
        public void Verbose(string message) => Add(new VerboseMessage(message));
        public void Warning(string message) => Add(new WarningMessage(message));
        public void Complete() => Messages.CompleteAdding();

        private void Add(object message)
        {
            // Late messages after completion are dropped rather than thrown into the engine.
            try { Messages.Add(message); } catch (InvalidOperationException) { }
        }
    }
}

/// <summary>Carries a ready ErrorRecord as a terminating error (PowerShell shows the record, not a stack trace).</summary>
public sealed class ErrorRecordException : RuntimeException
{
    public ErrorRecordException(ErrorRecord record) : base(record.Exception.Message, record.Exception, record) => Record = record;
    public ErrorRecord Record { get; }
    public override ErrorRecord ErrorRecord => Record;
}
