using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity.TwoFactor;

namespace GoForge.Core.Identity;

public sealed record SignInRequest(string? Login, string? Password, string? ClientAddress, string? UserAgent);

public sealed record SignedIn(User User, UserSession Session);

/// <summary>Checks a login and password and opens a server-side session.</summary>
public sealed class SignInService(
    IUserRepository users,
    SecondFactorSignIn secondFactor,
    IPasswordHasher hasher,
    IAuditLog audit,
    LoginThrottle throttle,
    TimeProvider time)
{
    /// <summary>Longest password a sign-in will hash; longer input is refused before any work.</summary>
    public const int MaxPasswordInput = 1024;

    // One message for unknown login and wrong password, so the form cannot be used to find logins.
    public const string WrongCredentialsMessage = "Wrong login or password.";
    public const string TooManyAttemptsMessage = "Too many sign-in attempts for this account. Wait a minute, then try again.";
    public const string DisabledMessage = "This account is disabled. Ask an administrator to enable it.";

    // Verifying against a real hash for unknown logins makes their answer take as long as a wrong password.
    private readonly Lazy<string> _decoyHash = new(() => hasher.Hash(Guid.NewGuid().ToString("N")));

    public const string SecondFactorNeededMessage = "This account signs in with a second factor. Use the sign-in page.";

    /// <summary>Checks the password and opens a session; refused when the account needs a second factor (see <see cref="StartAsync"/>).</summary>
    public async Task<Result<SignedIn>> SignInAsync(SignInRequest request, CancellationToken ct = default)
    {
        var outcome = await StartAsync(request, ct);
        return !outcome.IsSuccess ? outcome.Error!
            : outcome.Value!.Session is { } session ? session
            : Error.Forbidden(SecondFactorNeededMessage);
    }

    /// <summary>Checks the password; then a session, or a pending sign-in when a second factor or an enrolment is due.</summary>
    public async Task<Result<SignInOutcome>> StartAsync(SignInRequest request, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        var login = UserInputRules.NormalizeLogin(request.Login);
        if (login.Length == 0)
        {
            errors.Add("Login", "Enter your login.");
        }
        else if (login.Length > UserInputRules.LoginMaxLength)
        {
            errors.Add("Login", $"A login has at most {UserInputRules.LoginMaxLength} characters.");
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors.Add("Password", "Enter your password.");
        }
        else if (request.Password.Length > MaxPasswordInput)
        {
            errors.Add("Password", $"A password has at most {UserInputRules.PasswordMaxLength} characters.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        if (!throttle.TryAcquire(login))
        {
            await RecordFailureAsync(null, login, request, "too many attempts", ct);
            return Error.TooManyRequests(TooManyAttemptsMessage);
        }

        var user = await users.GetByLoginAsync(login, ct);
        if (user?.PasswordHash is null)
        {
            hasher.Verify(_decoyHash.Value, request.Password!);
            await RecordFailureAsync(user?.Id, login, request, user is null ? "unknown login" : "no password set", ct);
            return Error.Unauthorized(WrongCredentialsMessage);
        }

        var verification = hasher.Verify(user.PasswordHash, request.Password!);
        if (verification == PasswordVerification.Failed)
        {
            await RecordFailureAsync(user.Id, login, request, "wrong password", ct);
            return Error.Unauthorized(WrongCredentialsMessage);
        }

        if (user.IsDisabled)
        {
            await RecordFailureAsync(user.Id, login, request, "account disabled", ct);
            return Error.Forbidden(DisabledMessage);
        }

        var now = time.GetUtcNow();
        if (verification == PasswordVerification.SucceededRehashNeeded)
        {
            await users.UpdatePasswordHashAsync(user.Id, hasher.Hash(request.Password!), now, ct);
        }

        return await secondFactor.ContinueAsync(user, request.ClientAddress, request.UserAgent, how: null, viaGitHub: false, ct);
    }

    private Task RecordFailureAsync(Guid? userId, string login, SignInRequest request, string reason, CancellationToken ct) =>
        audit.RecordAsync(new AuditEvent
        {
            OccurredAt = time.GetUtcNow(),
            ActorUserId = userId,
            Action = AuditActions.SignInFailed,
            Target = $"user:{login}",
            ClientAddress = Truncate(request.ClientAddress, 64),
            Detail = reason,
        }, ct);

    internal static string? Truncate(string? value, int max) =>
        value is null || value.Length <= max ? value : value[..max];
}
