using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Identity;

[Collection(PostgresCollection.Name)]
public sealed class SignInServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(postgres, "signin");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private SignInService SignIn => _host.Get<SignInService>();

    [Fact]
    public async Task Right_password_opens_an_active_session_for_that_user()
    {
        var user = await TestUsers.CreateAsync(_host);

        var result = await SignIn.SignInAsync(new SignInRequest(user.Login.ToUpperInvariant(), TestUsers.Password, "10.0.0.1", "xunit"));

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(user.Id, result.Value.User.Id);
        var stored = await _host.Get<IUserSessionRepository>().GetAsync(result.Value.Session.Id);
        Assert.NotNull(stored);
        Assert.True(stored.IsActiveAt(DateTimeOffset.UtcNow));
        Assert.Equal(user.Id, await ValidateAsync(result.Value.Session.Id));
    }

    [Fact]
    public async Task Wrong_password_and_unknown_login_get_the_same_message_and_no_session()
    {
        var user = await TestUsers.CreateAsync(_host);

        var wrong = await SignIn.SignInAsync(new SignInRequest(user.Login, "not the password at all", null, null));
        var unknown = await SignIn.SignInAsync(new SignInRequest("nobody-here", TestUsers.Password, null, null));

        Assert.Equal(ErrorKind.Unauthorized, wrong.Error!.Kind);
        Assert.Equal(SignInService.WrongCredentialsMessage, wrong.Error.Message);
        Assert.Equal(wrong.Error.Message, unknown.Error!.Message);
        var audit = await _host.Get<IAuditLog>().ListRecentAsync(10);
        Assert.DoesNotContain(audit, e => e.Action == AuditActions.SignedIn);
        Assert.Contains(audit, e => e.Action == AuditActions.SignInFailed && e.Detail == "wrong password");
        Assert.Contains(audit, e => e.Action == AuditActions.SignInFailed && e.Detail == "unknown login");
    }

    [Fact]
    public async Task Disabled_user_with_the_right_password_is_told_the_account_is_disabled()
    {
        var user = await TestUsers.CreateAsync(_host, disabled: true);

        var result = await SignIn.SignInAsync(new SignInRequest(user.Login, TestUsers.Password, null, null));

        Assert.Equal(ErrorKind.Forbidden, result.Error!.Kind);
        Assert.Equal(SignInService.DisabledMessage, result.Error.Message);
    }

    [Fact]
    public async Task Sixth_attempt_in_a_minute_on_one_account_is_refused_even_with_the_right_password()
    {
        var user = await TestUsers.CreateAsync(_host);
        for (var i = 0; i < 5; i++)
        {
            var attempt = await SignIn.SignInAsync(new SignInRequest(user.Login, $"wrong guess {i}", null, null));
            Assert.Equal(ErrorKind.Unauthorized, attempt.Error!.Kind);
        }

        var sixth = await SignIn.SignInAsync(new SignInRequest(user.Login, TestUsers.Password, null, null));

        Assert.Equal(ErrorKind.TooManyRequests, sixth.Error!.Kind);
        Assert.Equal(SignInService.TooManyAttemptsMessage, sixth.Error.Message);
        var other = await TestUsers.CreateAsync(_host);
        Assert.True((await SignIn.SignInAsync(new SignInRequest(other.Login, TestUsers.Password, null, null))).IsSuccess);
    }

    [Theory]
    [InlineData("", "secret", "Login")]
    [InlineData("   ", "secret", "Login")]
    [InlineData("someone", "", "Password")]
    [InlineData("someone", null, "Password")]
    public async Task Empty_fields_are_validation_errors_on_that_field(string? login, string? password, string field)
    {
        var result = await SignIn.SignInAsync(new SignInRequest(login, password, null, null));

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.True(result.Error.FieldErrors.ContainsKey(field));
    }

    [Fact]
    public async Task Oversized_login_and_password_are_refused_before_any_lookup()
    {
        var huge = new string('a', 1_000_000);

        var result = await SignIn.SignInAsync(new SignInRequest(huge, huge, null, null));

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.True(result.Error.FieldErrors.ContainsKey("Login"));
        Assert.True(result.Error.FieldErrors.ContainsKey("Password"));
        Assert.Empty(await _host.Get<IAuditLog>().ListRecentAsync(10));
    }

    [Fact]
    public async Task Signing_out_revokes_the_session_so_it_no_longer_validates()
    {
        var user = await TestUsers.CreateAsync(_host);
        var signedIn = (await SignIn.SignInAsync(new SignInRequest(user.Login, TestUsers.Password, null, null))).Value!;

        await _host.Get<SessionService>().SignOutAsync(signedIn.Session.Id, user.Id, null);

        Assert.Null(await ValidateAsync(signedIn.Session.Id));
    }

    [Fact]
    public async Task Disabling_a_user_invalidates_their_open_session()
    {
        var user = await TestUsers.CreateAsync(_host);
        var signedIn = (await SignIn.SignInAsync(new SignInRequest(user.Login, TestUsers.Password, null, null))).Value!;

        await _host.Get<IUserRepository>().SetDisabledAsync(user.Id, true, DateTimeOffset.UtcNow);

        Assert.Null(await ValidateAsync(signedIn.Session.Id));
    }

    private async Task<Guid?> ValidateAsync(Guid sessionId) =>
        (await _host.Get<SessionService>().ValidateAsync(sessionId))?.Id;
}
