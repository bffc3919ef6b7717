namespace BgpLab.Engine.Common;

/// <summary>What kind of failure an engine reports; the cmdlet base maps it to a PowerShell ErrorCategory.</summary>
public enum FailureKind
{
    InvalidArgument,
    InvalidData,
    ParserError,
    ObjectNotFound,
    ResourceExists,
    ResourceUnavailable,
    InvalidOperation,
    PermissionDenied,
    OperationTimeout,
    ConnectionError,
    NotInstalled,
}

/// <summary>
/// An expected failure with a message meant for the user (no stack trace is shown for it).
/// <see cref="ErrorId"/> is stable so scripts can match on it; <see cref="Target"/> names the object concerned.
/// </summary>
public class BgpLabException : Exception
{
    public BgpLabException(string message, string errorId, FailureKind kind, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }
    public FailureKind Kind { get; }
    public object? Target { get; }

    /// <summary>Text that tells the user how to fix it, shown as the error's recommended action.</summary>
    public string? RecommendedAction { get; init; }
}
