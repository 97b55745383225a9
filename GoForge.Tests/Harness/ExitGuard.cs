using System.Runtime.InteropServices;

namespace GoForge.Tests.Harness;

/// <summary>
/// Runs a clean-up exactly once: from the fixture's DisposeAsync, or when the test host ends without it
/// (Ctrl+C, SIGTERM, SIGHUP, or an exit that skips fixture disposal), so throwaway servers do not outlive an aborted run.
/// A SIGKILL cannot be caught; the fixtures deal with its leftovers on their next start.
/// </summary>
internal sealed class ExitGuard : IDisposable
{
    private readonly Func<Task> _cleanup;
    private readonly PosixSignalRegistration[] _signals;
    private int _done;

    public ExitGuard(Func<Task> cleanup)
    {
        _cleanup = cleanup;
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        // SIGTERM already raises ProcessExit; SIGINT and SIGHUP do not.
        _signals =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal),
        ];
    }

    public Task RunAsync() => Interlocked.Exchange(ref _done, 1) == 0 ? _cleanup() : Task.CompletedTask;

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }
    }

    // Handlers run on a runtime thread while the process is going down: block there, off any synchronization context,
    // and report a failed clean-up instead of crashing the exit with it.
    private void RunBlocking()
    {
        try
        {
            Task.Run(RunAsync).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Test harness clean-up at exit failed: {e}");
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => RunBlocking();

    // The signal's default action (ending the process) still follows, as context.Cancel stays false.
    private void OnSignal(PosixSignalContext context) => RunBlocking();
}
