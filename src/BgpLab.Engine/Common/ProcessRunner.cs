using System.Diagnostics;
using System.Text;

namespace BgpLab.Engine.Common;

/// <summary>What one external program run produced.</summary>
public sealed record ProcessRunResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs an external CLI (kind, helm) with an argv array, capturing stdout/stderr; cancelling kills its process tree.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="argv"/>, writing <paramref name="stdin"/> (when given) and then
    /// closing its input, streaming stderr lines to <paramref name="onStderrLine"/>. A program that cannot be started
    /// throws <see cref="System.ComponentModel.Win32Exception"/> for the caller to turn into its own error.
    /// </summary>
    public static async Task<ProcessRunResult> RunAsync(string fileName, IEnumerable<string> argv, string? stdin, Action<string>? onStderrLine, CancellationToken ct)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in argv) start.ArgumentList.Add(a);
        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var stdoutDone = new TaskCompletionSource();
        var stderrDone = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) => { if (e.Data is null) stdoutDone.TrySetResult(); else lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) { stderrDone.TrySetResult(); return; }
            lock (stderr) stderr.AppendLine(e.Data);
            onStderrLine?.Invoke(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (stdin is not null) await process.StandardInput.WriteAsync(stdin.AsMemory(), ct).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException) { } // the program exited before reading its input: its stderr says why
        try
        {
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            await Task.WhenAll(stdoutDone.Task, stderrDone.Task).WaitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        return new ProcessRunResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
