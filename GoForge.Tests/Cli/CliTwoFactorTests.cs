using GoForge.Core.Auditing;
using GoForge.Core.Identity;
using GoForge.Core.Identity.TwoFactor;
using GoForge.Tests.Harness;
using GoForge.Tests.Identity.TwoFactor;
using GoForge.Tests.Support;
using GoForge.Web.Cli;

namespace GoForge.Tests.Cli;

[Collection(PostgresCollection.Name)]
public sealed class CliTwoFactorTests(PostgresFixture postgres) : IAsyncLifetime
{
    private TestHost _host = null!;
    private CliRunner _cli = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "cli_2fa");
        _cli = new CliRunner(_host.ConnectionString, _host.DataPath);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task User_reset_2fa_turns_off_the_last_admins_two_factor_and_audits_the_operator()
    {
        var admin = await TestUsers.CreateAsync(_host, UserRole.Admin, login: "lastadmin");
        var service = _host.Get<TwoFactorService>();
        var start = (await service.BeginAsync(Actor.From(admin))).Value!;
        Assert.True((await service.ConfirmAsync(Actor.From(admin), TotpCodes.Now(start.Secret))).IsSuccess);

        var run = await _cli.RunAsync("user", "reset-2fa", "lastadmin");
        var again = await _cli.RunAsync("user", "reset-2fa", "lastadmin");
        var nobody = await _cli.RunAsync("user", "reset-2fa", "nobody;rm -rf /");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("turned off for 'lastadmin'", run.Out, StringComparison.Ordinal);
        Assert.False((await service.GetStatusAsync(Actor.From(admin))).Value!.Enabled);
        Assert.NotEqual(ExitCodes.Ok, again.ExitCode);
        Assert.NotEqual(ExitCodes.Ok, nobody.ExitCode);
        Assert.Contains(await _host.Get<IAuditLog>().ListRecentAsync(20),
            e => e.Action == AuditActions.TwoFactorReset && e.ActorUserId is null && e.Target == "user:lastadmin");
    }
}
