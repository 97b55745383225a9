using GoForge.Core.Common;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GoForge.Web.Cli;

/// <summary>Runs a verb's body and turns what an operator can fix into one message and an exit code, not a stack trace.</summary>
internal static class CliRun
{
    public static async Task<int> GuardAsync(CliConsole console, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            console.Fail("canceled.");
            return ExitCodes.Failed;
        }
        catch (OptionsValidationException ex)
        {
            console.Fail($"configuration: {string.Join(" ", ex.Failures)}");
            return ExitCodes.Failed;
        }
        catch (NpgsqlException ex)
        {
            console.Fail($"the database did not answer: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (HttpRequestException ex)
        {
            console.Fail($"the server did not answer: {ex.Message}");
            return ExitCodes.Failed;
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            // Start-up problems (no connection string, a key that does not fit) say what to fix in their message.
            console.Fail(ex.Message);
            return ExitCodes.Failed;
        }
    }

    /// <summary>Runs a body on a started <see cref="LocalHost"/>, after checking the schema is current when asked.</summary>
    public static Task<int> LocalAsync(CliConsole console, bool needsCurrentSchema, Func<LocalHost, Task<int>> body, CancellationToken ct) =>
        GuardAsync(console, async () =>
        {
            await using var host = await LocalHost.StartAsync(console, ct);
            if (needsCurrentSchema && host.EnsureSchemaCurrent() is { IsSuccess: false } stale)
            {
                return Report(console, stale.Error!);
            }

            return await body(host);
        });

    public static int Report(CliConsole console, Error error)
    {
        console.Fail(error.Message);
        return ExitCodes.For(error);
    }
}
