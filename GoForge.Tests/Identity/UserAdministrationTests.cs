using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Identity;

[Collection(PostgresCollection.Name)]
public sealed class UserAdministrationTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private Actor _admin = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "useradmin");
        _admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private UserAdministration Admin => _host.Get<UserAdministration>();

    [Fact]
    public async Task Members_can_do_nothing_here()
    {
        var member = Actor.From(await TestUsers.CreateAsync(_host));
        var target = await TestUsers.CreateAsync(_host);

        Assert.Equal(ErrorKind.Forbidden, (await Admin.ListAsync(member)).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Admin.CreateAsync(member, new NewUserInput("newbie", "New", TestUsers.Password, UserRole.Admin))).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Admin.ChangeRoleAsync(member, member.UserId, UserRole.Admin)).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Admin.ResetPasswordAsync(member, target.Id, "another long password")).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Admin.SetDisabledAsync(member, target.Id, true)).Error!.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await Admin.FindByLoginAsync(member, target.Login)).Error!.Kind);
        Assert.Equal(UserRole.Member, (await _host.Get<IUserRepository>().GetByIdAsync(member.UserId))!.Role);
        Assert.Null(await _host.Get<IUserRepository>().GetByLoginAsync("newbie"));
    }

    [Fact]
    public async Task Created_user_can_sign_in_with_the_given_password()
    {
        var created = await Admin.CreateAsync(_admin, new NewUserInput("  New.Person ", " New Person ", "a brand new password", UserRole.Member));

        Assert.True(created.IsSuccess, created.Error?.Message);
        Assert.Equal("new.person", created.Value.Login);
        Assert.Equal("New Person", created.Value.DisplayName);
        Assert.True((await _host.Get<SignInService>().SignInAsync(new SignInRequest("new.person", "a brand new password", null, null))).IsSuccess);
    }

    [Fact]
    public async Task Taken_login_is_a_field_error()
    {
        var existing = await TestUsers.CreateAsync(_host);

        var result = await Admin.CreateAsync(_admin, new NewUserInput(existing.Login, "Dup", TestUsers.Password, UserRole.Member));

        Assert.Equal(ErrorKind.Validation, result.Error!.Kind);
        Assert.Contains("Login", result.Error.FieldErrors.Keys);
    }

    [Fact]
    public async Task Unknown_user_id_is_not_found()
    {
        Assert.Equal(ErrorKind.NotFound, (await Admin.ChangeRoleAsync(_admin, Guid.NewGuid(), UserRole.Admin)).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Admin.SetDisabledAsync(_admin, Guid.NewGuid(), true)).Error!.Kind);
        Assert.Equal(ErrorKind.NotFound, (await Admin.ResetPasswordAsync(_admin, Guid.NewGuid(), TestUsers.Password)).Error!.Kind);
    }

    [Fact]
    public async Task The_last_admin_cannot_be_demoted_or_disable_themself()
    {
        Assert.Equal(ErrorKind.Conflict, (await Admin.ChangeRoleAsync(_admin, _admin.UserId, UserRole.Member)).Error!.Kind);
        Assert.Equal(ErrorKind.Conflict, (await Admin.SetDisabledAsync(_admin, _admin.UserId, true)).Error!.Kind);

        var second = await TestUsers.CreateAsync(_host, UserRole.Admin);
        Assert.True((await Admin.ChangeRoleAsync(_admin, second.Id, UserRole.Member)).IsSuccess);
        Assert.Equal(UserRole.Member, (await _host.Get<IUserRepository>().GetByIdAsync(second.Id))!.Role);
    }

    [Fact]
    public async Task Reset_password_ends_every_session_and_the_old_password_stops_working()
    {
        var user = await TestUsers.CreateAsync(_host);
        var signIn = _host.Get<SignInService>();
        var session = (await signIn.SignInAsync(new SignInRequest(user.Login, TestUsers.Password, null, null))).Value!.Session;

        Assert.True((await Admin.ResetPasswordAsync(_admin, user.Id, "the replacement password")).IsSuccess);

        Assert.Null(await _host.Get<SessionService>().ValidateAsync(session.Id));
        Assert.Equal(ErrorKind.Unauthorized, (await signIn.SignInAsync(new SignInRequest(user.Login, TestUsers.Password, null, null))).Error!.Kind);
        Assert.True((await signIn.SignInAsync(new SignInRequest(user.Login, "the replacement password", null, null))).IsSuccess);
    }

    [Fact]
    public async Task Changing_own_password_keeps_this_session_and_ends_the_others()
    {
        var user = await TestUsers.CreateAsync(_host);
        var signIn = _host.Get<SignInService>();
        var here = (await signIn.SignInAsync(new SignInRequest(user.Login, TestUsers.Password, null, null))).Value!.Session;
        var elsewhere = (await signIn.SignInAsync(new SignInRequest(user.Login, TestUsers.Password, null, null))).Value!.Session;
        var account = _host.Get<AccountService>();

        var wrongCurrent = await account.ChangePasswordAsync(Actor.From(user), here.Id, "not my password", "a fresh new password");
        Assert.Contains("CurrentPassword", wrongCurrent.Error!.FieldErrors.Keys);

        Assert.True((await account.ChangePasswordAsync(Actor.From(user), here.Id, TestUsers.Password, "a fresh new password")).IsSuccess);

        var sessions = _host.Get<SessionService>();
        Assert.NotNull(await sessions.ValidateAsync(here.Id));
        Assert.Null(await sessions.ValidateAsync(elsewhere.Id));
    }

    [Fact]
    public async Task Theme_preference_is_remembered_per_user()
    {
        var user = await TestUsers.CreateAsync(_host);
        var account = _host.Get<AccountService>();

        Assert.True((await account.SetThemeAsync(Actor.From(user), ThemePreference.Dark)).IsSuccess);

        Assert.Equal(ThemePreference.Dark, (await account.GetProfileAsync(Actor.From(user))).Value!.Theme);
        Assert.Equal(ThemePreference.System, (await account.GetProfileAsync(_admin)).Value!.Theme);
    }
}
