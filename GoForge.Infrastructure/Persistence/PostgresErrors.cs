using Npgsql;

namespace GoForge.Infrastructure.Persistence;

internal static class PostgresErrors
{
    /// <summary>True for a unique-constraint violation on the named constraint (or any, when null).</summary>
    public static bool IsUniqueViolation(this PostgresException exception, string? constraint = null) =>
        exception.SqlState == PostgresErrorCodes.UniqueViolation && (constraint is null || exception.ConstraintName == constraint);
}
