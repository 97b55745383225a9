using System.Data.Common;
using Dapper;
using GoForge.Core.Projects;
using Npgsql;

namespace GoForge.Infrastructure.Projects;

/// <summary>
/// Decides a claim on domains inside the saving transaction: first a transaction-scoped advisory lock per owner key
/// (the host without <c>www.</c>), taken in sorted order, then <see cref="DomainOwnership"/> over the holders read
/// after the lock. Every writer of a domain takes the same locks, so of two concurrent saves of one host in two
/// projects the second waits, then reads the first's committed rows and is refused.
/// </summary>
internal static class DomainClaims
{
    // The first key of the two-int advisory lock form: GoForge's domain locks, apart from any other lock ("GFdm").
    internal const int LockSpace = 0x4746_646D;

    /// <param name="inserted">
    /// The claimant's own row was inserted earlier in this transaction: what it holds is what it wants, not an earlier
    /// holding, so none of it is taken as already its own.
    /// </param>
    public static async Task<DomainConflict?> LockAndFindConflictAsync(
        NpgsqlConnection conn, DbTransaction tx, DomainClaimant claimant, IReadOnlyList<AppDomainRoute> wanted, bool inserted, CancellationToken ct)
    {
        // unnest yields the keys in the array's (sorted) order, so every saver locks in the same order: no deadlock.
        const string lockSql = "SELECT pg_advisory_xact_lock(@space, hashtext(k)) FROM unnest(@keys) AS k";
        if (wanted.Count == 0)
        {
            return null;
        }

        var keys = DomainOwnership.LockKeys(wanted).ToArray();
        await conn.ExecuteAsync(new CommandDefinition(lockSql, new { space = LockSpace, keys }, tx, cancellationToken: ct));
        var holders = await DomainHolderRepository.ListByHostsAsync(conn, tx, DomainOwnership.HostsToRead(wanted), ct);
        if (inserted)
        {
            holders = holders.Where(h => h.Kind != claimant.Kind || h.WorkloadId != claimant.WorkloadId).ToList();
        }

        return DomainOwnership.FindConflict(claimant, wanted, holders);
    }
}
