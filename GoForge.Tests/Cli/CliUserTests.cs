using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Cli;

namespace GoForge.Tests.Cli;

[Collection(PostgresCollection.Name)]
public sealed class CliUserTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private CliRunner _cli = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "cli_users");
        _cli = new CliRunner(_host.ConnectionString, _host.DataPath);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task User_token_prints_a_token_once_that_authenticates_as_that_user_within_the_scopes_given()
    {
        var admin = await _cli.RunWithInputAsync(TestUsers.Password + "\n", "user", "create", "--login", "provision", "--name", "P", "--admin", "--password-stdin");
        Assert.True(admin.ExitCode == ExitCodes.Ok, admin.ToString());

        var run = await _cli.RunAsync("user", "token", "provision", "--name", "ci", "--scope", "read", "--scope", "deploy", "--expires-in-days", "2");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var secret = run.Out.Trim();
        var caller = await _host.Get<GoForge.Core.Identity.ApiTokens.ApiTokenService>().AuthenticateAsync(secret);
        Assert.True(caller.IsSuccess, caller.Error?.Message);
        Assert.Equal("provision", caller.Value!.User.Login);
        Assert.Equal(GoForge.Core.Identity.ApiTokens.ApiScope.Read | GoForge.Core.Identity.ApiTokens.ApiScope.Deploy, caller.Value.Token.Scopes);
    }

    [Fact]
    public async Task User_token_refuses_an_unknown_scope_an_unknown_user_and_a_member_asking_for_admin()
    {
        await _cli.RunAsync("user", "create", "--login", "member", "--name", "M");

        var badScope = await _cli.RunAsync("user", "token", "member", "--name", "x", "--scope", "root;rm -rf /");
        var nobody = await _cli.RunAsync("user", "token", "nobody", "--name", "x", "--scope", "read");
        var escalate = await _cli.RunAsync("user", "token", "member", "--name", "x", "--scope", "admin");

        Assert.Equal(ExitCodes.Usage, badScope.ExitCode);
        Assert.NotEqual(ExitCodes.Ok, nobody.ExitCode);
        Assert.NotEqual(ExitCodes.Ok, escalate.ExitCode);
        Assert.Empty(badScope.Out.Trim() + nobody.Out.Trim() + escalate.Out.Trim());
    }

    [Fact]
    public async Task User_create_without_a_password_prints_a_generated_one_once_and_the_user_signs_in_with_it()
    {
        var run = await _cli.RunAsync("user", "create", "--login", "Grace", "--name", "Grace Hopper");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var password = PasswordFrom(run);
        var user = (await _host.Get<IUserRepository>().GetByLoginAsync("grace"))!;
        Assert.Equal(UserRole.Member, user.Role);
        Assert.Equal("Grace Hopper", user.DisplayName);
        var signedIn = await SignInAsync("grace", password);
        Assert.True(signedIn.IsSuccess, signedIn.Error?.Message);
        Assert.DoesNotContain(password, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_create_with_password_stdin_and_admin_makes_an_admin_who_signs_in_with_that_password()
    {
        var run = await _cli.RunWithInputAsync(TestUsers.Password + "\n", "user", "create", "--email", "ops", "--name", "Ops", "--admin", "--password-stdin");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.DoesNotContain(TestUsers.Password, run.Out + run.Error, StringComparison.Ordinal);
        Assert.Equal(UserRole.Admin, (await _host.Get<IUserRepository>().GetByLoginAsync("ops"))!.Role);
        Assert.True((await SignInAsync("ops", TestUsers.Password)).IsSuccess);
    }

    [Fact]
    public async Task User_create_goes_through_the_core_rules_a_short_password_or_a_bad_login_is_a_usage_error_and_nothing_is_written()
    {
        var shortPassword = await _cli.RunWithInputAsync("short\n", "user", "create", "--login", "shorty", "--name", "S", "--password-stdin");
        var badLogin = await _cli.RunAsync("user", "create", "--login", "a@b.example; rm -rf /", "--name", "Mallory");
        var emptyStdin = await _cli.RunAsync("user", "create", "--login", "nobody", "--name", "N", "--password-stdin");

        Assert.Equal(ExitCodes.Usage, shortPassword.ExitCode);
        Assert.Contains($"at least {UserInputRules.PasswordMinLength} characters", shortPassword.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, badLogin.ExitCode);
        Assert.Contains("A login uses only letters", badLogin.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, emptyStdin.ExitCode);
        Assert.Empty(await _host.Get<IUserRepository>().ListAsync());
    }

    [Fact]
    public async Task Option_looking_and_unicode_values_are_taken_literally()
    {
        var dashed = await _cli.RunAsync("user", "create", "--login", "dash", "--name=--admin");
        var unicode = await _cli.RunAsync("user", "create", "--login", "zoe", "--name", "Zoë Ünïcødé 🚀 $(whoami) `id`");
        var missingValue = await _cli.RunAsync("user", "create", "--login", "gap", "--name", "--admin");

        Assert.True(dashed.ExitCode == ExitCodes.Ok, dashed.ToString());
        var dash = (await _host.Get<IUserRepository>().GetByLoginAsync("dash"))!;
        Assert.Equal("--admin", dash.DisplayName);
        Assert.Equal(UserRole.Member, dash.Role);
        Assert.True(unicode.ExitCode == ExitCodes.Ok, unicode.ToString());
        Assert.Equal("Zoë Ünïcødé 🚀 $(whoami) `id`", (await _host.Get<IUserRepository>().GetByLoginAsync("zoe"))!.DisplayName);
        // A value that looks like an option is still the value of the option before it: never the --admin flag.
        Assert.True(missingValue.ExitCode == ExitCodes.Ok, missingValue.ToString());
        var gap = (await _host.Get<IUserRepository>().GetByLoginAsync("gap"))!;
        Assert.Equal(("--admin", UserRole.Member), (gap.DisplayName, gap.Role));
    }

    [Fact]
    public async Task Reset_password_sets_the_new_password_and_ends_the_users_sessions()
    {
        var user = await TestUsers.CreateAsync(_host, login: "alice");
        var session = await SignInAsync("alice", TestUsers.Password);
        Assert.True(session.IsSuccess);
        const string newPassword = "a brand new long pass phrase";

        var run = await _cli.RunWithInputAsync(newPassword + "\n", "user", "reset-password", "ALICE", "--password-stdin");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.False((await SignInAsync("alice", TestUsers.Password)).IsSuccess);
        Assert.True((await SignInAsync("alice", newPassword)).IsSuccess);
        var old = await _host.Get<IUserSessionRepository>().GetAsync(session.Value!.Session.Id);
        Assert.NotNull(old?.RevokedAt);
        Assert.Equal(user.Id, old.UserId);
    }

    [Fact]
    public async Task Reset_password_of_an_unknown_login_is_not_found_and_generated_passwords_work_too()
    {
        await TestUsers.CreateAsync(_host, login: "bob");

        var unknown = await _cli.RunAsync("user", "reset-password", "nobody");
        var generated = await _cli.RunAsync("user", "reset-password", "bob");

        Assert.Equal(ExitCodes.NotFound, unknown.ExitCode);
        Assert.Contains("No such user", unknown.Error, StringComparison.Ordinal);
        Assert.True(generated.ExitCode == ExitCodes.Ok, generated.ToString());
        Assert.True((await SignInAsync("bob", PasswordFrom(generated))).IsSuccess);
    }

    [Fact]
    public async Task User_list_shows_every_user_with_role_and_state()
    {
        await TestUsers.CreateAsync(_host, UserRole.Admin, login: "root-admin");
        await TestUsers.CreateAsync(_host, UserRole.Member, disabled: true, login: "gone");

        var run = await _cli.RunAsync("user", "list");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["LOGIN", "ROLE", "STATE", "NAME"], Words(lines[0]).Take(4));
        Assert.Contains(lines, l => Words(l).Take(3).SequenceEqual(["root-admin", "admin", "active"]));
        Assert.Contains(lines, l => Words(l).Take(3).SequenceEqual(["gone", "member", "disabled"]));
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task The_operator_is_recorded_in_the_audit_log_without_an_account()
    {
        var run = await _cli.RunAsync("user", "create", "--login", "audited", "--name", "A");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var entry = Assert.Single(await _host.Get<GoForge.Core.Auditing.IAuditLog>().ListRecentAsync(10), e => e.Action == GoForge.Core.Auditing.AuditActions.UserCreated);
        Assert.Null(entry.ActorUserId);
        Assert.Equal("user:audited", entry.Target);
    }

    internal static string PasswordFrom(CliOutcome run)
    {
        const string marker = "Password (shown only now): ";
        var line = Assert.Single(run.Out.Split('\n'), l => l.StartsWith(marker, StringComparison.Ordinal));
        var password = line[marker.Length..].Trim();
        Assert.True(password.Length >= UserInputRules.PasswordMinLength);
        return password;
    }

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private Task<GoForge.Core.Common.Result<SignedIn>> SignInAsync(string login, string password) =>
        _host.Get<SignInService>().SignInAsync(new SignInRequest(login, password, "127.0.0.1", "cli-test"));
}
