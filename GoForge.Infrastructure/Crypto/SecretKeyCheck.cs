using GoForge.Core.Secrets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace GoForge.Infrastructure.Crypto;

/// <summary>
/// The start-up check that the secret keys fit the database, run right after migrations: it stores a known value
/// encrypted under the current key on first start, and on every later start decrypts it and checks that every key
/// a stored variable names is configured. Failing, it throws with what to fix, before anything reads a secret.
/// </summary>
public sealed class SecretKeyCheck
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SecretKeyRing _ring;
    private readonly ISecretProtector _protector;
    private readonly TimeProvider _time;
    private readonly ILogger<SecretKeyCheck> _logger;

    public SecretKeyCheck(NpgsqlDataSource dataSource, SecretKeyRing ring, ISecretProtector protector, TimeProvider time, ILogger<SecretKeyCheck> logger)
    {
        _dataSource = dataSource;
        _ring = ring;
        _protector = protector;
        _time = time;
        _logger = logger;
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the key's source when the keys do not fit this database.</summary>
    public async Task VerifyAsync(CancellationToken ct = default)
    {
        // Loading the keys reports a bad setting or key file by itself (options validation, file mode, file content).
        var current = _ring.Current;

        await using var conn = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await SecretKeyTables.RegisterKeyIdAsync(conn, tx, current.Id, _time.GetUtcNow(), ct);
        await SecretKeyTables.InsertCheckIfAbsentAsync(conn, tx, AesGcmSecretProtector.Protect(SecretKeyTables.CheckPlaintext, SecretKeyTables.CheckId, current), ct);

        var check = await SecretKeyTables.ReadCheckAsync(conn, tx, ct);
        try
        {
            if (_protector.Unprotect(check, SecretKeyTables.CheckId) != SecretKeyTables.CheckPlaintext)
            {
                throw new SecretUnprotectException("The stored check value decrypts to something else.");
            }
        }
        catch (SecretUnprotectException ex)
        {
            throw new InvalidOperationException($"The secret key does not fit this database: {ex.Message} {Advice()}", ex);
        }

        var missing = (await SecretKeyTables.ListKeyIdsInUseAsync(conn, tx, ct)).Where(id => !_ring.TryGet(id, out _)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Stored secrets were encrypted with key(s) {string.Join(", ", missing)}, which are not configured. {Advice()}");
        }

        await tx.CommitAsync(ct);
        SecretsLog.KeyCheckPassed(_logger, current.Id);
    }

    /// <summary>The same check for synchronous start-up code (such as right after <c>DatabaseMigrator.Migrate()</c>).</summary>
    public void Verify() => VerifyAsync(CancellationToken.None).GetAwaiter().GetResult();

    private string Advice()
    {
        const string stop = "GoForge does not start with a wrong or missing key, so no secret is read as garbage.";
        const string configuredKey = $"{SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.SecretKey)}";
        const string retiredKeys = $"{SecretKeyOptions.SectionName}:{nameof(SecretKeyOptions.RetiredSecretKeys)}";
        if (_ring.IsFromConfiguration)
        {
            return $"The keys come from {configuredKey} (current key {_ring.CurrentKeyId}) and {retiredKeys}: set {configuredKey} to the key " +
                $"this database was encrypted with, or, when changing keys, keep the old one in {retiredKeys} until a rotation has finished. {stop}";
        }

        var created = _ring.CreatedKeyFile ? ", which was missing and has just been created with a new key" : string.Empty;
        return $"The keys come from the key file {_ring.KeyFilePath}{created} (current key {_ring.CurrentKeyId}): restore the key file this " +
            $"database was encrypted with from a backup, or set {configuredKey} to its key. {stop}";
    }
}
