using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;
using GoForge.Core.Identity.TwoFactor;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Identity.TwoFactor;

/// <summary>Two-factor sign-in on real PostgreSQL: enrolment, the second step before any session, replays, recovery codes, the policy gate, admin reset.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoFactorTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;

    // Eight attempts a minute per account, so a test may sign one user in a few times; the limit test counts to it.
    private const int Attempts = 8;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(postgres, "twofactor",
        new Dictionary<string, string?> { ["GoForge:Auth:LoginAttemptsPerMinutePerAccount"] = Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private SignInService SignIn => _host.Get<SignInService>();

    private SecondFactorSignIn SecondStep => _host.Get<SecondFactorSignIn>();

    /// <summary>A user with two-factor on: the secret (as the profile shows it) and the recovery codes. The enrolment used the current step.</summary>
    private async Task<(User User, string Secret, IReadOnlyList<string> Codes)> EnrolledAsync(UserRole role = UserRole.Member)
    {
        var user = await TestUsers.CreateAsync(_host, role);
        var service = _host.Get<TwoFactorService>();
        var start = (await service.BeginAsync(Actor.From(user))).Value!;
        var codes = await service.ConfirmAsync(Actor.From(user), TotpCodes.Now(start.Secret));
        Assert.True(codes.IsSuccess, codes.Error?.Message);
        return (user, start.Secret, codes.Value!);
    }

    private async Task<PendingSignInTicket> PasswordStepAsync(User user)
    {
        var started = await SignIn.StartAsync(new SignInRequest(user.Login, TestUsers.Password, "10.0.0.9", "xunit"));
        Assert.True(started.IsSuccess, started.Error?.Message);
        Assert.Null(started.Value!.Session);
        return started.Value.Pending!;
    }

    [Fact]
    public async Task Enrolment_counts_only_after_a_right_code_and_gives_ten_recovery_codes_once()
    {
        var user = await TestUsers.CreateAsync(_host);
        var service = _host.Get<TwoFactorService>();
        var start = (await service.BeginAsync(Actor.From(user))).Value!;
        Assert.StartsWith("otpauth://totp/GoForge:", start.ProvisioningUri);
        Assert.False((await service.GetStatusAsync(Actor.From(user))).Value!.Enabled);

        var wrong = await service.ConfirmAsync(Actor.From(user), "000000" == TotpCodes.Now(start.Secret) ? "111111" : "000000");
        Assert.Equal(ErrorKind.Validation, wrong.Error!.Kind);
        Assert.False((await service.GetStatusAsync(Actor.From(user))).Value!.Enabled);

        var codes = await service.ConfirmAsync(Actor.From(user), TotpCodes.Now(start.Secret));
        Assert.Equal(TwoFactorCodes.RecoveryCodeCount, codes.Value!.Count);
        Assert.Equal(codes.Value.Count, codes.Value.Distinct().Count());
        Assert.Equal(new TwoFactorStatus(true, 10, false), (await service.GetStatusAsync(Actor.From(user))).Value);
        Assert.Contains(await _host.Get<IAuditLog>().ListRecentAsync(20), e => e.Action == AuditActions.TwoFactorEnrolled && e.Target == $"user:{user.Login}");
    }

    [Fact]
    public async Task Right_password_with_two_factor_on_opens_no_session_until_the_code_passes()
    {
        var (user, secret, _) = await EnrolledAsync();

        var pending = await PasswordStepAsync(user);
        Assert.Equal(PendingPurpose.Verify, pending.Purpose);
        Assert.Equal(ErrorKind.Forbidden, (await SignIn.SignInAsync(new SignInRequest(user.Login, TestUsers.Password, null, null))).Error!.Kind);
        Assert.DoesNotContain(await _host.Get<IAuditLog>().ListRecentAsync(50), e => e.Action == AuditActions.SignedIn && e.ActorUserId == user.Id);

        var signedIn = await SecondStep.VerifyAsync(pending.Token, TotpCodes.Now(secret, stepsAhead: 1));

        Assert.True(signedIn.IsSuccess, signedIn.Error?.Message);
        Assert.Equal(user.Id, (await _host.Get<SessionService>().ValidateAsync(signedIn.Value!.Session.Id))?.Id);
        Assert.NotNull(await _host.Get<ITwoFactorRepository>().GetSessionSecondFactorAsync(signedIn.Value.Session.Id));
        Assert.Contains(await _host.Get<IAuditLog>().ListRecentAsync(20), e => e.Action == AuditActions.TwoFactorPassed && e.ActorUserId == user.Id);
    }

    [Fact]
    public async Task A_code_already_used_in_its_time_step_is_refused_and_the_pending_sign_in_is_single_use()
    {
        var (user, secret, _) = await EnrolledAsync();
        var code = TotpCodes.Now(secret, stepsAhead: 1);
        var first = await SecondStep.VerifyAsync((await PasswordStepAsync(user)).Token, code);
        Assert.True(first.IsSuccess, first.Error?.Message);

        var pending = await PasswordStepAsync(user);
        var replay = await SecondStep.VerifyAsync(pending.Token, code);

        Assert.Equal(ErrorKind.Unauthorized, replay.Error!.Kind);
        Assert.Equal(TwoFactorService.ReplayedCodeMessage, replay.Error.Message);
        Assert.Contains(await _host.Get<IAuditLog>().ListRecentAsync(20), e => e.Action == AuditActions.TwoFactorFailed && e.Detail == "code already used");
        var reused = await SecondStep.VerifyAsync((await PasswordStepAsync(user)).Token, TotpCodes.Now(secret));
        Assert.Equal(ErrorKind.Unauthorized, reused.Error!.Kind); // the enrolment's step and older are spent too
    }

    [Fact]
    public async Task Completed_pending_sign_in_cannot_open_a_second_session()
    {
        var (user, _, codes) = await EnrolledAsync();
        var pending = await PasswordStepAsync(user);
        Assert.True((await SecondStep.VerifyAsync(pending.Token, codes[0])).IsSuccess);

        var again = await SecondStep.VerifyAsync(pending.Token, codes[1]);

        Assert.Equal(SecondFactorSignIn.ExpiredMessage, again.Error!.Message);
        Assert.Equal(9, (await _host.Get<TwoFactorService>().GetStatusAsync(Actor.From(user))).Value!.RecoveryCodesLeft);
    }

    [Fact]
    public async Task Wrong_codes_count_against_the_accounts_sign_in_limit()
    {
        var (user, secret, _) = await EnrolledAsync(); // the enrolment's code took one attempt
        var pending = await PasswordStepAsync(user); // the password took another
        for (var i = 0; i < Attempts - 2; i++)
        {
            Assert.Equal(ErrorKind.Unauthorized, (await SecondStep.VerifyAsync(pending.Token, "12345" + i)).Error!.Kind);
        }

        var right = await SecondStep.VerifyAsync(pending.Token, TotpCodes.Now(secret, stepsAhead: 1));

        Assert.Equal(ErrorKind.TooManyRequests, right.Error!.Kind);
        Assert.Equal(Attempts - 2, (await _host.Get<IAuditLog>().ListRecentAsync(30)).Count(e => e.Action == AuditActions.TwoFactorFailed && e.Detail == "wrong code"));
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once()
    {
        var (user, _, codes) = await EnrolledAsync();

        var first = await SecondStep.VerifyAsync((await PasswordStepAsync(user)).Token, codes[3].ToUpperInvariant());
        var second = await SecondStep.VerifyAsync((await PasswordStepAsync(user)).Token, codes[3]);

        Assert.True(first.IsSuccess, first.Error?.Message);
        Assert.Equal(ErrorKind.Unauthorized, second.Error!.Kind);
        var audit = await _host.Get<IAuditLog>().ListRecentAsync(30);
        Assert.Contains(audit, e => e.Action == AuditActions.TwoFactorRecoveryCodeUsed && e.Detail == "9 recovery codes left");
    }

    [Fact]
    public async Task Recovery_codes_are_stored_hashed_never_as_typed()
    {
        var (user, _, codes) = await EnrolledAsync();
        await using var conn = new Npgsql.NpgsqlConnection(_host.ConnectionString);
        await conn.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT code_hash FROM two_factor_recovery_codes WHERE user_id = @u", conn);
        command.Parameters.AddWithValue("u", user.Id);
        var stored = new List<byte[]>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored.Add((byte[])reader[0]);
            }
        }

        Assert.Equal(10, stored.Count);
        Assert.All(stored, h => Assert.Equal(32, h.Length));
        Assert.All(codes, c => Assert.Contains(stored, h => h.SequenceEqual(TwoFactorCodes.HashRecoveryCode(user.Id, c))));
        Assert.All(codes, c => Assert.DoesNotContain(stored, h => System.Text.Encoding.UTF8.GetString(h).Contains(c.Replace("-", ""), StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task A_user_who_must_enrol_gets_no_session_until_enrolled()
    {
        var admin = await TestUsers.CreateAsync(_host, UserRole.Admin);
        var member = await TestUsers.CreateAsync(_host);
        Assert.True((await _host.Get<TwoFactorPolicyService>().SaveAsync(Actor.Operator, new TwoFactorPolicy(RequireForAdmins: true, false, false))).IsSuccess);

        var memberStart = await SignIn.StartAsync(new SignInRequest(member.Login, TestUsers.Password, null, null));
        Assert.NotNull(memberStart.Value!.Session);
        var pending = await PasswordStepAsync(admin);
        Assert.Equal(PendingPurpose.Enrol, pending.Purpose);
        Assert.Equal(ErrorKind.Unauthorized, (await SecondStep.VerifyAsync(pending.Token, "123456")).Error!.Kind);

        var shown = (await SecondStep.BeginEnrolmentAsync(pending.Token)).Value!;
        Assert.Equal(shown.Secret, (await SecondStep.BeginEnrolmentAsync(pending.Token)).Value!.Secret);
        var done = await SecondStep.CompleteEnrolmentAsync(pending.Token, TotpCodes.Now(shown.Secret));

        Assert.True(done.IsSuccess, done.Error?.Message);
        Assert.Equal(10, done.Value.RecoveryCodes.Count);
        Assert.Equal(admin.Id, (await _host.Get<SessionService>().ValidateAsync(done.Value.SignedIn.Session.Id))?.Id);
        Assert.Equal(PendingPurpose.Verify, (await PasswordStepAsync(admin)).Purpose);
        Assert.Equal(ErrorKind.Forbidden, (await _host.Get<TwoFactorService>().DisableAsync(Actor.From(admin), TestUsers.Password, done.Value.RecoveryCodes[0])).Error!.Kind);
        await _host.Get<TwoFactorPolicyService>().SaveAsync(Actor.Operator, TwoFactorPolicy.Default);
    }

    [Fact]
    public async Task Turning_off_needs_the_password_and_a_code()
    {
        var (user, _, codes) = await EnrolledAsync();
        var service = _host.Get<TwoFactorService>();

        var noPassword = await service.DisableAsync(Actor.From(user), "wrong password here", codes[0]);
        Assert.Equal(ErrorKind.Validation, noPassword.Error!.Kind);
        var noCode = await service.DisableAsync(Actor.From(user), TestUsers.Password, "999999");
        Assert.Equal(ErrorKind.Validation, noCode.Error!.Kind);
        Assert.True((await service.GetStatusAsync(Actor.From(user))).Value!.Enabled);

        Assert.True((await service.DisableAsync(Actor.From(user), TestUsers.Password, codes[0])).IsSuccess);
        Assert.False((await service.GetStatusAsync(Actor.From(user))).Value!.Enabled);
        Assert.NotNull((await SignIn.StartAsync(new SignInRequest(user.Login, TestUsers.Password, null, null))).Value!.Session);
        Assert.Contains(await _host.Get<IAuditLog>().ListRecentAsync(20), e => e.Action == AuditActions.TwoFactorDisabled && e.Target == $"user:{user.Login}");
    }

    [Fact]
    public async Task Regenerated_recovery_codes_replace_the_old_ones()
    {
        var (user, secret, old) = await EnrolledAsync();

        var fresh = await _host.Get<TwoFactorService>().RegenerateRecoveryCodesAsync(Actor.From(user), TotpCodes.Now(secret, stepsAhead: 1));

        Assert.True(fresh.IsSuccess, fresh.Error?.Message);
        Assert.Equal(ErrorKind.Unauthorized, (await SecondStep.VerifyAsync((await PasswordStepAsync(user)).Token, old[0])).Error!.Kind);
        Assert.True((await SecondStep.VerifyAsync((await PasswordStepAsync(user)).Token, fresh.Value![0])).IsSuccess);
    }

    [Fact]
    public async Task An_admin_resets_another_users_two_factor_never_their_own_and_it_is_audited()
    {
        var (user, _, _) = await EnrolledAsync();
        var admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
        var administration = _host.Get<TwoFactorAdministration>();

        Assert.Equal(ErrorKind.Forbidden, (await administration.ResetAsync(Actor.From(await TestUsers.CreateAsync(_host)), user.Id)).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await administration.ResetAsync(admin, admin.UserId)).Error!.Kind);
        Assert.True((await administration.ResetAsync(admin, user.Id)).IsSuccess);

        Assert.False((await _host.Get<TwoFactorService>().GetStatusAsync(Actor.From(user))).Value!.Enabled);
        Assert.NotNull((await SignIn.StartAsync(new SignInRequest(user.Login, TestUsers.Password, null, null))).Value!.Session);
        Assert.Contains(await _host.Get<IAuditLog>().ListRecentAsync(20),
            e => e.Action == AuditActions.TwoFactorReset && e.ActorUserId == admin.UserId && e.Target == $"user:{user.Login}");
    }

    [Fact]
    public async Task Creating_an_api_token_in_a_browser_session_needs_a_recent_second_factor()
    {
        var (user, secret, _) = await EnrolledAsync();
        var now = DateTimeOffset.UtcNow;
        var session = new UserSession { Id = Guid.NewGuid(), UserId = user.Id, CreatedAt = now, LastSeenAt = now, ExpiresAt = now.AddHours(1) };
        await _host.Get<IUserSessionRepository>().CreateAsync(session); // a session opened by GitHub sign-in, no second factor yet
        var actor = Actor.From(user) with { SessionId = session.Id };
        var input = new ApiTokenInput { Name = "ci", Scopes = ApiScope.Read };

        var refused = await _host.Get<ApiTokenService>().CreateAsync(actor, input);
        Assert.Equal(ErrorKind.Forbidden, refused.Error!.Kind);
        Assert.Equal(RecentSecondFactor.NeededMessage, refused.Error.Message);

        Assert.True((await _host.Get<RecentSecondFactor>().ReverifyAsync(actor, TotpCodes.Now(secret, stepsAhead: 1))).IsSuccess);
        Assert.True((await _host.Get<ApiTokenService>().CreateAsync(actor, input)).IsSuccess);
        Assert.True((await _host.Get<ApiTokenService>().CreateAsync(Actor.From(user), input with { Name = "cli" })).IsSuccess); // no session: the command line
    }
}
