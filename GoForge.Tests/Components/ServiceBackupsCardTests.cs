using Bunit;
using GoForge.Core.Backups;
using GoForge.Core.Identity;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Backups;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace GoForge.Tests.Components;

/// <summary>The service page's Backups card over the real Core services and a migrated database (nothing is backed up here).</summary>
[Collection(PostgresCollection.Name)]
public sealed class ServiceBackupsCardTests(PostgresFixture postgres) : GoForgeTestContext
{
    private TestHost _host = null!;
    private User _owner = null!;
    private GoForge.Core.Projects.ProjectEnvironment _production = null!;

    protected override async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "backupcard");
        Services.AddFallbackServiceProvider(_host.Services);
        Services.AddScoped<CurrentUser>();
        _owner = await TestUsers.CreateAsync(_host);
        (_, _production) = await _host.Services.CreateProjectAsync(Actor.From(_owner), "Backed");
        var admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
        Assert.True((await _host.Get<BackupDestinationService>().CreateAsync(admin, new BackupDestinationInput
        {
            Name = "disk",
            Kind = BackupDestinationKind.Local,
            LocalFolder = "/srv/goforge-backups",
        })).IsSuccess);
    }

    protected override ValueTask DisposeResourcesAsync() => _host.DisposeAsync();

    /// <summary>A service row of <paramref name="templateId"/> (no container: the card only reads and schedules).</summary>
    private async Task<ServiceInstance> ServiceAsync(string templateId)
    {
        var now = DateTimeOffset.UtcNow;
        var service = new ServiceInstance
        {
            Id = Guid.NewGuid(),
            ProjectId = _production.ProjectId,
            EnvironmentId = _production.Id,
            TemplateId = templateId,
            Version = "1",
            Name = templateId,
            Slug = templateId,
            State = ServiceState.Stopped,
            CreatedAt = now,
            UpdatedAt = now,
        };
        Assert.Equal(GoForge.Core.Projects.SaveOutcome.Saved, await _host.Get<IServiceInstanceRepository>().TryCreateAsync(service, new Dictionary<string, string>(), null));
        return service;
    }

    private IRenderedComponent<ServiceBackupsCard> RenderFor(ServiceInstance service)
    {
        this.SignIn(_owner);
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
        return Render<ServiceBackupsCard>(p => p.Add(c => c.Service, service).Add(c => c.CanBackUp, true).Add(c => c.CanManage, true).Add(c => c.CanDownload, true));
    }

    [Fact]
    public async Task A_maintainer_sees_the_server_time_zone_gets_a_clear_error_for_a_bad_cron_and_can_back_up_once_a_schedule_is_saved()
    {
        var card = RenderFor(await ServiceAsync("postgresql"));

        // The schedule panel's content comes with a render of its own after the card loaded: looked for until it is there.
        await Wait.UntilAsync(() => Task.FromResult(card.Markup.Contains("data-testid=\"backup-cron\"", StringComparison.Ordinal)), "the schedule form");
        card.WaitForAssertion(() => Assert.Contains(TimeZoneInfo.Local.Id, card.MessageUnder("backup-cron"), StringComparison.Ordinal), WaitTimeout);
        Assert.Empty(card.FindAll("[data-testid=backup-now]"));
        card.Fill("backup-cron", "every night");
        card.Find("[data-testid=backup-save-schedule]").Click();
        card.WaitForAssertion(() => Assert.True(card.ShowsError("backup-cron")), WaitTimeout);
        Assert.Contains("cron", card.MessageUnder("backup-cron"), StringComparison.OrdinalIgnoreCase);

        card.Fill("backup-cron", "0 4 * * *");
        card.Find("[data-testid=backup-save-schedule]").Click();

        card.WaitForAssertion(() => Assert.Single(card.FindAll("[data-testid=backup-now]")), WaitTimeout);
        Assert.Contains(TimeZoneInfo.Local.Id, card.Find("[data-testid=backup-next-run]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_whose_template_no_engine_backs_up_says_so_and_offers_no_schedule()
    {
        var card = RenderFor(await ServiceAsync("mongodb"));

        card.WaitForAssertion(() => Assert.Contains("'mongodb'", card.Find("[data-testid=backup-not-supported]").TextContent, StringComparison.Ordinal), WaitTimeout);
        Assert.Empty(card.FindAll("[data-testid=backup-schedule-form]"));
        Assert.Empty(card.FindAll("[data-testid=backup-now]"));
    }

    [Fact]
    public async Task A_backup_queued_elsewhere_and_ended_by_the_worker_shows_in_the_history_as_it_happens()
    {
        var service = await ServiceAsync("postgresql");
        var actor = Actor.From(_owner);
        var backups = _host.Get<ServiceBackupService>();
        var destination = (await _host.Get<BackupDestinationService>().ChoicesAsync(actor))[0];
        Assert.True((await backups.SaveScheduleAsync(actor, service.Id, new BackupScheduleInput { Cron = "0 4 * * *", DestinationId = destination.Id, KeepLast = 2 })).IsSuccess);
        var card = RenderFor(service);
        card.WaitForAssertion(() => Assert.Single(card.FindAll("[data-testid=backup-history-empty]")), WaitTimeout);

        // Another circuit (or the API) asks for a backup: the card hears of it, with no reload and no timer.
        Assert.True((await backups.BackUpNowAsync(actor, service.Id)).IsSuccess);
        card.WaitForAssertion(() => Assert.Equal("queued", card.Find("[data-testid=backup-run-state]").TextContent.Trim()), WaitTimeout);

        // The worker runs it; this service has no container, so it fails, and the card shows how it ended.
        var claimed = Assert.Single(await _host.Get<IBackupRunRepository>().ClaimAsync(1, DateTimeOffset.UtcNow));
        await _host.Get<BackupWorker>().RunAsync(claimed, CancellationToken.None);
        card.WaitForAssertion(() => Assert.Equal("failed", card.Find("[data-testid=backup-run-state]").TextContent.Trim()), WaitTimeout);
        Assert.NotEmpty(card.Find("[data-testid=backup-run-error]").TextContent.Trim());
    }
}
