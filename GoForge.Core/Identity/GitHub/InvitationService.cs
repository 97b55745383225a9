using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using GoForge.Core.Auditing;
using GoForge.Core.Common;

namespace GoForge.Core.Identity.GitHub;

/// <param name="ValidFor">How long the link works; <see cref="InvitationService.DefaultValidity"/> when null.</param>
public sealed record NewInvitationInput(string? Note, UserRole Role, TimeSpan? ValidFor = null);

/// <summary>
/// Invitations: administrators make, list and revoke them; anyone holding a link may look at it (<see cref="PreviewAsync"/>).
/// It is spent by <see cref="GitHubSignInService"/> when its holder finishes a GitHub sign-in.
/// </summary>
public sealed class InvitationService(
    GitHubSettingsProvider settings,
    IInvitationRepository invitations,
    IAuditLog audit,
    TimeProvider time)
{
    public const int NoteMaxLength = 200;
    public const int TokenMaxLength = 128;
    public const int ListLimit = 200;
    public static readonly TimeSpan DefaultValidity = TimeSpan.FromDays(7);
    public static readonly TimeSpan MinValidity = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxValidity = TimeSpan.FromDays(30);

    private static readonly Error NotAdmin = Error.Forbidden("Only administrators manage invitations.");

    public async Task<Result<CreatedInvitation>> CreateAsync(Actor actor, NewInvitationInput input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(input);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        var validFor = input.ValidFor ?? DefaultValidity;
        var errors = new FieldErrors();
        if (note is not null && (note.Length > NoteMaxLength || note.Any(char.IsControl)))
        {
            errors.Add(nameof(NewInvitationInput.Note), $"A note has at most {NoteMaxLength} characters on one line.");
        }

        if (!Enum.IsDefined(input.Role))
        {
            errors.Add(nameof(NewInvitationInput.Role), "Choose a role.");
        }

        if (validFor < MinValidity || validFor > MaxValidity)
        {
            errors.Add(nameof(NewInvitationInput.ValidFor), "An invitation is valid for 1 hour to 30 days.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        if (!(await settings.GetAsync(ct)).IsActive)
        {
            return Error.Conflict("Turn on GitHub sign-in first: an invitation is used by signing in with GitHub.");
        }

        var token = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var invitation = new Invitation
        {
            Id = Guid.CreateVersion7(now),
            TokenHash = HashToken(token)!,
            Role = input.Role,
            Note = note,
            CreatedBy = actor.UserId,
            CreatedAt = now,
            ExpiresAt = now + validFor,
        };
        await invitations.CreateAsync(invitation, ct);
        await audit.RecordAsync(time, actor, AuditActions.InvitationCreated, $"invitation:{invitation.Id}",
            $"role {invitation.Role}, expires {invitation.ExpiresAt.ToString("u", CultureInfo.InvariantCulture)}", ct);
        return new CreatedInvitation(invitation, token);
    }

    public async Task<Result<IReadOnlyList<Invitation>>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        return Result<IReadOnlyList<Invitation>>.Ok(await invitations.ListAsync(ListLimit, ct));
    }

    public async Task<Result> RevokeAsync(Actor actor, Guid invitationId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsAdmin)
        {
            return NotAdmin;
        }

        var invitation = await invitations.GetAsync(invitationId, ct);
        if (invitation is null)
        {
            return Error.NotFound("No such invitation.");
        }

        var status = invitation.StatusAt(time.GetUtcNow());
        if (status != InvitationStatus.Pending)
        {
            return Error.Conflict($"This invitation is already {status.ToString().ToLowerInvariant()}; there is nothing to revoke.");
        }

        if (!await invitations.RevokeAsync(invitationId, time.GetUtcNow(), ct))
        {
            return Error.Conflict("This invitation was used a moment ago; there is nothing to revoke.");
        }

        await audit.RecordAsync(time, actor, AuditActions.InvitationRevoked, $"invitation:{invitationId}", ct: ct);
        return Result.Success;
    }

    /// <summary>What the <c>/invite/{token}</c> page shows; not found for an unknown, spent, revoked or expired link alike.</summary>
    public async Task<Result<InvitationPreview>> PreviewAsync(string? token, CancellationToken ct = default)
    {
        var hash = HashToken(token);
        var invitation = hash is null ? null : await invitations.GetByTokenHashAsync(hash, ct);
        if (invitation is null || invitation.StatusAt(time.GetUtcNow()) != InvitationStatus.Pending)
        {
            return Error.NotFound(GitHubSignInService.InvitationInvalidMessage);
        }

        return new InvitationPreview(invitation.Role, invitation.ExpiresAt);
    }

    /// <summary>
    /// The stored form of a token: SHA-256 of its UTF-8 bytes; null for input that cannot be a token. Looking the hash
    /// up by index is safe: the token is 256 random bits, so timing tells nothing about a hash one could aim for.
    /// </summary>
    internal static byte[]? HashToken(string? token) =>
        string.IsNullOrEmpty(token) || token.Length > TokenMaxLength ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
