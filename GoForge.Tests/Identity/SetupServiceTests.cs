using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Identity;

[Collection(PostgresCollection.Name)]
public sealed class SetupServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync(postgres, "setup");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private SetupService Setup => _host.Get<SetupService>();

    private static FirstAdminInput ValidInput(string login = "root-admin") =>
        new(login, "The Admin", TestUsers.Password, TestUsers.Password);

    [Fact]
    public async Task Token_creates_the_first_admin_once_and_never_again()
    {
        var token = await Setup.IssueTokenIfNeededAsync();
        Assert.NotNull(token);

        var first = await Setup.CompleteAsync(token, ValidInput(), "127.0.0.1");
        var again = await Setup.CompleteAsync(token, ValidInput("second-admin"), "127.0.0.1");

        Assert.True(first.IsSuccess, first.Error?.Message);
        Assert.Equal(UserRole.Admin, first.Value.Role);
        Assert.Equal(ErrorKind.Unauthorized, again.Error!.Kind);
        Assert.False(Setup.IsTokenValid(token));
        Assert.Single(await _host.Get<IUserRepository>().ListAsync());
        Assert.Null(await Setup.IssueTokenIfNeededAsync());
    }

    [Fact]
    public async Task Wrong_or_missing_token_creates_nobody()
    {
        var token = await Setup.IssueTokenIfNeededAsync();

        Assert.Equal(ErrorKind.Unauthorized, (await Setup.CompleteAsync(token + "x", ValidInput(), null)).Error!.Kind);
        Assert.Equal(ErrorKind.Unauthorized, (await Setup.CompleteAsync(null, ValidInput(), null)).Error!.Kind);
        Assert.Equal(ErrorKind.Unauthorized, (await Setup.CompleteAsync(new string('a', 100_000), ValidInput(), null)).Error!.Kind);
        Assert.False(await _host.Get<IUserRepository>().AnyAsync());
    }

    [Fact]
    public async Task Invalid_input_keeps_the_token_usable_and_writes_nothing()
    {
        var token = await Setup.IssueTokenIfNeededAsync();

        var bad = await Setup.CompleteAsync(token, new FirstAdminInput("-x", "", "short", "other"), null);

        Assert.Equal(ErrorKind.Validation, bad.Error!.Kind);
        Assert.Contains("Login", bad.Error.FieldErrors.Keys);
        Assert.Contains("DisplayName", bad.Error.FieldErrors.Keys);
        Assert.Contains("Password", bad.Error.FieldErrors.Keys);
        Assert.False(await _host.Get<IUserRepository>().AnyAsync());
        Assert.True((await Setup.CompleteAsync(token, ValidInput(), null)).IsSuccess);
    }

    [Fact]
    public async Task Mismatched_confirmation_is_refused()
    {
        var token = await Setup.IssueTokenIfNeededAsync();

        var result = await Setup.CompleteAsync(token, new FirstAdminInput("admin", "Admin", TestUsers.Password, TestUsers.Password + "!"), null);

        Assert.Contains(nameof(FirstAdminInput.ConfirmPassword), result.Error!.FieldErrors.Keys);
    }

    [Fact]
    public async Task No_token_is_issued_once_a_user_exists()
    {
        await TestUsers.CreateAsync(_host);

        Assert.Null(await Setup.IssueTokenIfNeededAsync());
    }

    [Fact]
    public async Task Racing_first_user_inserts_make_exactly_one_user()
    {
        var users = _host.Get<IUserRepository>();
        var now = DateTimeOffset.UtcNow;
        var attempts = Enumerable.Range(0, 8).Select(i => users.TryCreateFirstAsync(new User
        {
            Id = Guid.NewGuid(),
            Login = $"racer{i}",
            DisplayName = "Racer",
            Role = UserRole.Admin,
            CreatedAt = now,
            UpdatedAt = now,
        }));

        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r);
        Assert.Single(await users.ListAsync());
    }
}
