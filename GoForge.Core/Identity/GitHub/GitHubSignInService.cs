using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity.TwoFactor;

namespace GoForge.Core.Identity.GitHub;

/// <param name="InvitationToken">The token of the <c>/invite/{token}</c> link the sign-in started from, if any.</param>
public sealed record GitHubSignInRequest(GitHubIdentity Identity, string? InvitationToken, string? ClientAddress, string? UserAgent);

/// <summary>
/// Decides who a finished GitHub sign-in signs in, by GitHub's numeric id only: the linked account; else, with a
/// pending invitation, a new account with the invitation's role; else, when sign-up is open, a new member account;
/// else nobody. An e-mail address or a login that matches an existing account links nothing: a new account gets a
/// login of its own. Every outcome is audited.
/// </summary>
public sealed class GitHubSignInService(
    GitHubSettingsProvider settings,
    IUserRepository users,
    IGitHubUserRepository gitHubUsers,
    IInvitationRepository invitations,
    SecondFactorSignIn secondFactor,
    LoginThrottle throttle,
    IAuditLog audit,
    TimeProvider time)
{
    public const string NotEnabledMessage = "GitHub sign-in is not enabled on this panel.";
    public const string InvitationInvalidMessage = "This invitation link is not valid: it has expired, was revoked or was already used. Ask an administrator for a new one.";
    public const string TooManyAttemptsMessage = "Too many sign-in attempts for this GitHub account. Wait a minute, then try again.";

    public static string NoAccountMessage(GitHubIdentity identity) =>
        $"No GoForge account is linked to the GitHub account {identity.Describe()}, and this panel does not let people sign up. " +
        "Ask an administrator for an invitation link, or sign in with your password and link GitHub on your profile page.";

    /// <summary>Signs in and opens a session; refused when the account needs a second factor after GitHub (see <see cref="StartAsync"/>).</summary>
    public async Task<Result<SignedIn>> SignInAsync(GitHubSignInRequest request, CancellationToken ct = default)
    {
        var outcome = await StartAsync(request, ct);
        return !outcome.IsSuccess ? outcome.Error!
            : outcome.Value!.Session is { } session ? session
            : Error.Forbidden(SignInService.SecondFactorNeededMessage);
    }

    /// <summary>Decides the account; then a session, or a pending sign-in when the two-factor policy asks for a code after GitHub.</summary>
    public async Task<Result<SignInOutcome>> StartAsync(GitHubSignInRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var identity = request.Identity;
        var current = await settings.GetAsync(ct);
        if (!current.IsActive)
        {
            await RecordFailureAsync(null, identity, request, "GitHub sign-in is not enabled", ct);
            return Error.Forbidden(NotEnabledMessage);
        }

        if (!IsPlausible(identity))
        {
            await RecordFailureAsync(null, identity, request, "GitHub's answer named no usable user", ct);
            return Error.Unauthorized("GitHub did not say who signed in. Try again.");
        }

        // Per GitHub account, like the password throttle per login (the prefix cannot collide: logins have no ':').
        if (!throttle.TryAcquire($"github:{identity.Id}"))
        {
            await RecordFailureAsync(null, identity, request, "too many attempts", ct);
            return Error.TooManyRequests(TooManyAttemptsMessage);
        }

        if (await gitHubUsers.GetByGitHubIdAsync(identity.Id, ct) is { } linked)
        {
            return await SignInLinkedAsync(linked, request, ct);
        }

        if (request.InvitationToken is { Length: > 0 } token)
        {
            return await RedeemInvitationAsync(token, request, ct);
        }

        if (current.AllowSignUp)
        {
            return await CreateAccountAsync(request, UserRole.Member, invitation: null, ct);
        }

        await RecordFailureAsync(null, identity, request, "no linked account and sign-up is closed", ct);
        return Error.Forbidden(NoAccountMessage(identity));
    }

    /// <summary>Records a GitHub sign-in refused before Core chose an account: by the OAuth handler (bad state, PKCE, denied) or the web host.</summary>
    public Task RecordRefusedByHandlerAsync(string reason, string? clientAddress, CancellationToken ct = default) =>
        audit.RecordAsync(new AuditEvent
        {
            OccurredAt = time.GetUtcNow(),
            Action = AuditActions.SignInFailed,
            Target = "github",
            ClientAddress = SignInService.Truncate(clientAddress, 64),
            Detail = SignInService.Truncate($"GitHub: {reason}", 300),
        }, ct);

    private async Task<Result<SignInOutcome>> SignInLinkedAsync(User user, GitHubSignInRequest request, CancellationToken ct)
    {
        if (user.IsDisabled)
        {
            await RecordFailureAsync(user, request.Identity, request, "account disabled", ct);
            return Error.Forbidden(SignInService.DisabledMessage);
        }

        await gitHubUsers.UpdateGitHubLoginAsync(user.Id, StoredLogin(request.Identity), ct);
        return await secondFactor.ContinueAsync(user, request.ClientAddress, request.UserAgent, $"GitHub {Describe(request.Identity)}", viaGitHub: true, ct);
    }

    private async Task<Result<SignInOutcome>> RedeemInvitationAsync(string token, GitHubSignInRequest request, CancellationToken ct)
    {
        var hash = InvitationService.HashToken(token);
        var invitation = hash is null ? null : await invitations.GetByTokenHashAsync(hash, ct);
        if (invitation is null || invitation.StatusAt(time.GetUtcNow()) != InvitationStatus.Pending)
        {
            var why = invitation is null ? "unknown invitation" : $"invitation {invitation.Id} is {invitation.StatusAt(time.GetUtcNow()).ToString().ToLowerInvariant()}";
            await RecordFailureAsync(null, request.Identity, request, why, ct);
            return Error.Forbidden(InvitationInvalidMessage);
        }

        return await CreateAccountAsync(request, invitation.Role, invitation, ct);
    }

    private async Task<Result<SignInOutcome>> CreateAccountAsync(GitHubSignInRequest request, UserRole role, Invitation? invitation, CancellationToken ct)
    {
        var identity = request.Identity;
        var now = time.GetUtcNow();
        foreach (var login in GitHubLogins.Candidates(identity.Login, identity.Id))
        {
            // A taken login belongs to someone else, whoever the GitHub account is: try the next one, never merge.
            if (await users.GetByLoginAsync(login, ct) is not null)
            {
                continue;
            }

            var user = new User
            {
                Id = Guid.CreateVersion7(now),
                Login = login,
                DisplayName = GitHubLogins.DisplayName(identity.Name, identity.Login),
                Role = role,
                GitHubId = identity.Id,
                CreatedAt = now,
                UpdatedAt = now,
            };
            var write = await gitHubUsers.CreateLinkedAsync(user, StoredLogin(identity), invitation?.Id, now, ct);
            switch (write)
            {
                case GitHubAccountWrite.Done:
                    return await OpenNewAccountAsync(user, request, invitation, ct);
                case GitHubAccountWrite.LoginTaken:
                    continue;
                case GitHubAccountWrite.GitHubIdTaken:
                    // The same person's other sign-in (another tab) created the account a moment ago.
                    return await gitHubUsers.GetByGitHubIdAsync(identity.Id, ct) is { } winner
                        ? await SignInLinkedAsync(winner, request, ct)
                        : Error.Conflict("Your account changed while signing in. Try again.");
                case GitHubAccountWrite.InvitationGone:
                    await RecordFailureAsync(null, identity, request, $"invitation {invitation?.Id} was spent meanwhile", ct);
                    return Error.Forbidden(InvitationInvalidMessage);
                default:
                    throw new InvalidOperationException($"Unexpected outcome {write} creating an account.");
            }
        }

        await RecordFailureAsync(null, identity, request, "no free login", ct);
        return Error.Conflict($"Every login made from '{identity.Login}' is taken. Ask an administrator to create your account.");
    }

    private async Task<Result<SignInOutcome>> OpenNewAccountAsync(User user, GitHubSignInRequest request, Invitation? invitation, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var how = invitation is null ? "sign-up" : $"invitation {invitation.Id}";
        await audit.RecordAsync(new AuditEvent
        {
            OccurredAt = now,
            ActorUserId = user.Id,
            Action = AuditActions.UserCreated,
            Target = $"user:{user.Login}",
            ClientAddress = SignInService.Truncate(request.ClientAddress, 64),
            Detail = $"role {user.Role}, through GitHub {Describe(request.Identity)} ({how})",
        }, ct);
        if (invitation is not null)
        {
            await audit.RecordAsync(new AuditEvent
            {
                OccurredAt = now,
                ActorUserId = user.Id,
                Action = AuditActions.InvitationUsed,
                Target = $"invitation:{invitation.Id}",
                ClientAddress = SignInService.Truncate(request.ClientAddress, 64),
                Detail = $"by user:{user.Login}",
            }, ct);
        }

        return await secondFactor.ContinueAsync(user, request.ClientAddress, request.UserAgent, $"GitHub {Describe(request.Identity)}, new account", viaGitHub: true, ct);
    }

    private Task RecordFailureAsync(User? user, GitHubIdentity identity, GitHubSignInRequest request, string reason, CancellationToken ct) =>
        audit.RecordAsync(new AuditEvent
        {
            OccurredAt = time.GetUtcNow(),
            ActorUserId = user?.Id,
            Action = AuditActions.SignInFailed,
            Target = user is null ? "github" : $"user:{user.Login}",
            ClientAddress = SignInService.Truncate(request.ClientAddress, 64),
            Detail = SignInService.Truncate($"GitHub {Describe(identity)}: {reason}", 300),
        }, ct);

    private static bool IsPlausible(GitHubIdentity identity) =>
        identity.Id > 0 && identity.Login.Length is > 0 and <= GitHubIdentity.LoginMaxLength && !identity.Login.Any(char.IsControl);

    private static string StoredLogin(GitHubIdentity identity) => SignInService.Truncate(identity.Login, GitHubIdentity.LoginMaxLength)!;

    // Ids and logins only: the e-mail address is for the person's own messages, not the audit trail.
    internal static string Describe(GitHubIdentity identity) =>
        $"{SignInService.Truncate(new string(identity.Login.Where(c => !char.IsControl(c)).ToArray()), GitHubIdentity.LoginMaxLength)} (id {identity.Id})";
}
