using System.Security.Cryptography;
using System.Text;
using GoForge.Core.Auditing;
using GoForge.Core.Common;

namespace GoForge.Core.Identity;

public sealed record FirstAdminInput(string? Login, string? DisplayName, string? Password, string? ConfirmPassword);

/// <summary>
/// First run: while no user exists, a random one-time token is the only way to create the first
/// administrator. There is no default password and the first visitor does not become admin.
/// </summary>
public sealed class SetupService(IUserRepository users, IPasswordHasher hasher, IAuditLog audit, TimeProvider time)
{
    private readonly Lock _gate = new();
    private byte[]? _tokenHash;

    /// <summary>Makes a fresh token when the panel has no users yet (the caller prints the link); null when setup is done.</summary>
    public async Task<string?> IssueTokenIfNeededAsync(CancellationToken ct = default)
    {
        if (await users.AnyAsync(ct))
        {
            return null;
        }

        var token = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        lock (_gate)
        {
            _tokenHash = Hash(token);
        }

        return token;
    }

    public bool IsTokenValid(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 128)
        {
            return false;
        }

        byte[]? expected;
        lock (_gate)
        {
            expected = _tokenHash;
        }

        return expected is not null && CryptographicOperations.FixedTimeEquals(expected, Hash(token));
    }

    public async Task<Result<User>> CompleteAsync(string? token, FirstAdminInput input, string? clientAddress, CancellationToken ct = default)
    {
        if (!IsTokenValid(token))
        {
            return Error.Unauthorized("This setup link is not valid or was already used. Restart GoForge to print a new one if no administrator exists yet.");
        }

        var errors = UserInputRules.ValidateNewAccount(input.Login, input.DisplayName, input.Password);
        if (errors.IsEmpty && !string.Equals(input.Password, input.ConfirmPassword, StringComparison.Ordinal))
        {
            errors.Add(nameof(FirstAdminInput.ConfirmPassword), "The passwords do not match.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        var now = time.GetUtcNow();
        var admin = User.CreateNew(input.Login!, input.DisplayName!, hasher.Hash(input.Password!), UserRole.Admin, now);

        // The repository inserts only into an empty table, atomically: two racing requests make one admin.
        var created = await users.TryCreateFirstAsync(admin, ct);
        lock (_gate)
        {
            _tokenHash = null;
        }

        if (!created)
        {
            return Error.Conflict("Setup is already complete. Sign in instead.");
        }

        await audit.RecordAsync(new AuditEvent
        {
            OccurredAt = now,
            ActorUserId = admin.Id,
            Action = AuditActions.SetupCompleted,
            Target = $"user:{admin.Login}",
            ClientAddress = SignInService.Truncate(clientAddress, 64),
        }, ct);
        return admin;
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
