using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GoForge.Infrastructure.Operations;

/// <summary>Ready when GoForge's own database answers <c>SELECT 1</c> on a connection from the app's pool within the time-out.</summary>
internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource, IOptions<ReadinessOptions> options) : IHealthCheck
{
    public const string Name = "postgresql";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(timeout.Token);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy("The database answers.");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The database did not answer within {options.Value.Timeout.TotalSeconds:0.###} s.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Idle pooled connections to a server that went away are all dead: dropped now, the app reconnects as
            // soon as the server is back instead of failing once per stale connection.
            dataSource.Clear();

            // The message names the server and the failure (connection refused, shutting down), never the password.
            return new HealthCheckResult(context.Registration.FailureStatus, "The database is unreachable: " + e.Message);
        }
    }
}
