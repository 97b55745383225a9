using System.Reflection;
using GoForge.Core.Common;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Monitoring;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Projects;

/// <summary>
/// Every public method of every project service, called by someone outside the project with ids from
/// inside it, answers "not found" and changes nothing; read-only roles are refused every change.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AuthorizationMatrixTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly Type[] ServiceTypes =
        [typeof(ProjectService), typeof(EnvironmentService), typeof(ApplicationService), typeof(VariableService), typeof(MembershipService), typeof(DeploymentService), typeof(RoutingService), typeof(MonitoringService),
         typeof(WebhookService), typeof(GitCredentialService), typeof(ServiceInstanceService), typeof(ServiceCommands),
         typeof(GoForge.Core.Volumes.AppVolumeService), typeof(ComposeOverviewService), typeof(GoForge.Core.Backups.ServiceBackupService), typeof(GoForge.Core.Notifications.NotificationChannelService),
         typeof(GoForge.Core.Previews.PreviewService), typeof(GoForge.Core.AuditTrail.AuditLogService)];

    private TestHost _host = null!;
    private Actor _maintainer = null!;
    private Actor _intruder = null!;
    private Actor _viewer = null!;
    private Actor _deployer = null!;
    private Target _b = null!;

    private sealed record Target(Guid ProjectId, Guid EnvironmentId, Guid ApplicationId, Guid VariableId, Guid MaintainerId, Guid DeploymentId, Guid ServiceId = default, Guid ServiceOperationId = default, Guid VolumeId = default, Guid BackupRunId = default, Guid ChannelId = default, Guid PreviewId = default);

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync(postgres, "authz");
        _maintainer = Actor.From(await TestUsers.CreateAsync(_host));
        _intruder = Actor.From(await TestUsers.CreateAsync(_host));
        var viewer = await TestUsers.CreateAsync(_host);
        var deployer = await TestUsers.CreateAsync(_host);
        _viewer = Actor.From(viewer);
        _deployer = Actor.From(deployer);

        // The intruder maintains a project of their own: being a maintainer somewhere grants nothing elsewhere.
        await _host.Get<ProjectService>().CreateAsync(_intruder, new ProjectInput("Intruder's own", null));

        var project = (await _host.Get<ProjectService>().CreateAsync(_maintainer, new ProjectInput("Project B", null))).Value!;
        var environment = (await _host.Get<EnvironmentService>().ListAsync(_maintainer, project.Id)).Value![0];
        var app = (await _host.Get<ApplicationService>().CreateAsync(_maintainer, environment.Id, new ApplicationInput
        {
            Name = "api",
            GitUrl = "https://example.com/b.git",
            Domains = "b.example.com",
        })).Value!;
        await _host.Get<VariableService>().SetAsync(_maintainer, app.Id, new VariableInput("TOKEN", "s3cret", IsSecret: true));
        var variable = (await _host.Get<VariableService>().ListAsync(_maintainer, app.Id)).Value![0];
        var members = _host.Get<MembershipService>();
        await members.SetAsync(_maintainer, project.Id, viewer.Login, ProjectRole.Viewer);
        await members.SetAsync(_maintainer, project.Id, deployer.Login, ProjectRole.Deployer);
        var deployment = (await _host.Get<DeploymentService>().EnqueueAsync(_maintainer, app.Id)).Value!;
        Assert.True((await _host.Get<WebhookService>().RegenerateSecretAsync(_maintainer, app.Id)).IsSuccess);
        Assert.True((await _host.Get<GitCredentialService>().SetTokenAsync(_maintainer, GitCredentialScope.Project(project.Id), new GitTokenInput("git", "glpat-project-b"))).IsSuccess);
        // No engine here: the service ends Failed ("engine not reachable"), but its row and encrypted inputs exist.
        var services = _host.Get<ServiceInstanceService>();
        var preview = (await services.PreviewAsync("redis")).Value!;
        var service = (await services.CreateAsync(_maintainer, environment.Id, new ServiceInstanceInput { TemplateId = "redis", Name = "cache", Inputs = preview.Inputs })).Value!;
        var created = (await _host.Get<IServiceOperationRepository>().ListRecentAsync(service.Id, 1))[0];
        var volume = (await _host.Get<GoForge.Core.Volumes.AppVolumeService>().AddAsync(_maintainer, app.Id, new GoForge.Core.Volumes.AppVolumeInput { Name = "data", MountPath = "/data" })).Value!;
        var backupRun = await SeedBackupRunAsync(service.Id, project.Id);
        var channel = (await _host.Get<GoForge.Core.Notifications.NotificationChannelService>().CreateAsync(_maintainer, project.Id, NotificationChannel("https://hooks.example.com/b"))).Value!;
        var previewId = await SeedPreviewAsync(app.Id);
        _b = new Target(project.Id, environment.Id, app.Id, variable.Id, _maintainer.UserId, deployment.Id, service.Id, created.Id, volume.Id, backupRun, channel.Id, previewId);
        _bCompose = await _host.Services.CreateComposeApplicationAsync(_maintainer, environment.Id, "stack");
    }

    private Application _bCompose = null!;

    /// <summary>Project B's application with previews on and one same-repository preview running (a deployer may redeploy it).</summary>
    private async Task<Guid> SeedPreviewAsync(Guid applicationId)
    {
        var now = DateTimeOffset.UtcNow;
        var previews = _host.Get<GoForge.Core.Previews.IPreviewRepository>();
        await previews.SaveSettingsAsync(new GoForge.Core.Previews.PreviewSettings
        {
            ApplicationId = applicationId, Enabled = true, DomainPattern = "pr-{number}.b-previews.example.com", MaxConcurrent = 3, IdleDays = 7, UpdatedAt = now,
        }, "b-previews.example.com");
        var preview = await previews.SaveAsync(new GoForge.Core.Previews.Preview
        {
            Id = Guid.CreateVersion7(), ApplicationId = applicationId, Provider = WebhookProvider.GitHub, Number = 5, Title = "B's change", Author = "b",
            HeadRepository = "https://example.com/b.git", HeadCommit = new string('a', 40), IsFork = false, State = GoForge.Core.Previews.PreviewState.Running,
            CreatedAt = now, LastActivityAt = now,
        });
        return preview.Id;
    }

    /// <summary>A queued backup of project B's service, written as the queue holds one (nothing works the queue here).</summary>
    private async Task<Guid> SeedBackupRunAsync(Guid serviceId, Guid projectId)
    {
        var admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
        var destination = (await _host.Get<GoForge.Core.Backups.BackupDestinationService>().CreateAsync(admin, new GoForge.Core.Backups.BackupDestinationInput
        {
            Name = "disk",
            Kind = GoForge.Core.Backups.BackupDestinationKind.Local,
            LocalFolder = "/srv/goforge-backups",
        })).Value!;
        var run = new GoForge.Core.Backups.BackupRun
        {
            Id = Guid.NewGuid(),
            Kind = GoForge.Core.Backups.BackupRunKind.Backup,
            TargetKind = GoForge.Core.Backups.BackupTargetKind.Service,
            TargetId = serviceId,
            ProjectId = projectId,
            DestinationId = destination.Id,
            DestinationName = destination.Name,
            Trigger = GoForge.Core.Backups.BackupTrigger.Manual,
            State = GoForge.Core.Backups.BackupRunState.Queued,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        Assert.True(await _host.Get<GoForge.Core.Backups.IBackupRunRepository>().TryEnqueueAsync(run));
        _backupDestinationId = destination.Id;
        return run.Id;
    }

    private Guid _backupDestinationId;

    private static GoForge.Core.Notifications.ChannelInput NotificationChannel(string url) => new()
    {
        Kind = GoForge.Core.Notifications.ChannelKind.Webhook,
        Name = "ops hook",
        WebhookUrl = url,
        SigningSecret = "project-b-signing-secret-0123",
        Subscriptions = [GoForge.Core.Notifications.NotificationKind.DeploymentFailed],
    };

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Each public service method, by name, called against project B's ids.</summary>
    private Dictionary<string, Func<Actor, Task<Error?>>> Calls()
    {
        var projects = _host.Get<ProjectService>();
        var environments = _host.Get<EnvironmentService>();
        var applications = _host.Get<ApplicationService>();
        var variables = _host.Get<VariableService>();
        var appVolumes = _host.Get<GoForge.Core.Volumes.AppVolumeService>();
        var members = _host.Get<MembershipService>();
        var deployments = _host.Get<DeploymentService>();
        var routing = _host.Get<RoutingService>();
        var monitoring = _host.Get<MonitoringService>();
        var webhooks = _host.Get<WebhookService>();
        var credentials = _host.Get<GitCredentialService>();
        var previews = _host.Get<GoForge.Core.Previews.PreviewService>();
        var appScope = GitCredentialScope.Application(_b.ApplicationId);
        var projectScope = GitCredentialScope.Project(_b.ProjectId);
        var app = new ApplicationInput { Name = "hijacked", GitUrl = "https://evil.example/x.git", Domains = "evil.example.com" };
        var services = _host.Get<ServiceInstanceService>();
        var catalog = _host.Get<GoForge.Core.Catalog.CatalogService>();
        var commands = _host.Get<ServiceCommands>();
        var backups = _host.Get<GoForge.Core.Backups.ServiceBackupService>();
        var channels = _host.Get<GoForge.Core.Notifications.NotificationChannelService>();
        var auditLog = _host.Get<GoForge.Core.AuditTrail.AuditLogService>();
        var serviceInput = new ServiceInstanceInput { TemplateId = "redis", Name = "sneaky", Inputs = new Dictionary<string, string> { ["password"] = "x1234567" } };
        return new()
        {
            ["ProjectService.GetAsync"] = async a => (await projects.GetAsync(a, _b.ProjectId)).Error,
            ["ProjectService.UpdateAsync"] = async a => (await projects.UpdateAsync(a, _b.ProjectId, new ProjectInput("Hijacked", null))).Error,
            ["ProjectService.DeleteAsync"] = async a => (await projects.DeleteAsync(a, _b.ProjectId)).Error,
            ["EnvironmentService.ListAsync"] = async a => (await environments.ListAsync(a, _b.ProjectId)).Error,
            ["EnvironmentService.GetAsync"] = async a => (await environments.GetAsync(a, _b.EnvironmentId)).Error,
            ["EnvironmentService.CreateAsync"] = async a => (await environments.CreateAsync(a, _b.ProjectId, "sneaky")).Error,
            ["EnvironmentService.RenameAsync"] = async a => (await environments.RenameAsync(a, _b.EnvironmentId, "sneaky")).Error,
            ["EnvironmentService.DeleteAsync"] = async a => (await environments.DeleteAsync(a, _b.EnvironmentId)).Error,
            ["ApplicationService.ListAsync"] = async a => (await applications.ListAsync(a, _b.EnvironmentId)).Error,
            ["ApplicationService.GetAsync"] = async a => (await applications.GetAsync(a, _b.ApplicationId)).Error,
            ["ApplicationService.CreateAsync"] = async a => (await applications.CreateAsync(a, _b.EnvironmentId, app)).Error,
            ["ApplicationService.UpdateAsync"] = async a => (await applications.UpdateAsync(a, _b.ApplicationId, app)).Error,
            ["ApplicationService.DeleteAsync"] = async a => (await applications.DeleteAsync(a, _b.ApplicationId)).Error,
            ["VariableService.ListAsync"] = async a => (await variables.ListAsync(a, _b.ApplicationId)).Error,
            ["VariableService.RevealAsync"] = async a => (await variables.RevealAsync(a, _b.VariableId)).Error,
            ["VariableService.SetAsync"] = async a => (await variables.SetAsync(a, _b.ApplicationId, new VariableInput("TOKEN", "stolen"))).Error,
            ["VariableService.SetManyAsync"] = async a => (await variables.SetManyAsync(a, _b.ApplicationId, [new VariableInput("X", "y")])).Error,
            ["VariableService.DeleteAsync"] = async a => (await variables.DeleteAsync(a, _b.VariableId)).Error,
            ["VariableService.PreviewPasteAsync"] = async a => (await variables.PreviewPasteAsync(a, _b.ApplicationId, "TOKEN=x", false)).Error,
            ["VariableService.ApplyPasteAsync"] = async a => (await variables.ApplyPasteAsync(a, _b.ApplicationId, "TOKEN=x", false)).Error,
            ["MembershipService.ListAsync"] = async a => (await members.ListAsync(a, _b.ProjectId)).Error,
            ["MembershipService.SetAsync"] = async a => (await members.SetAsync(a, _b.ProjectId, "someone", ProjectRole.Maintainer)).Error,
            ["MembershipService.RemoveAsync"] = async a => (await members.RemoveAsync(a, _b.ProjectId, _b.MaintainerId)).Error,
            // Cancel before enqueue: a new deployment would supersede the pending one, which is then no longer cancelable.
            ["DeploymentService.CancelAsync"] = async a => (await deployments.CancelAsync(a, _b.DeploymentId)).Error,
            ["DeploymentService.EnqueueAsync"] = async a => (await deployments.EnqueueAsync(a, _b.ApplicationId)).Error,
            ["DeploymentService.EnqueueForcedAsync"] = async a => (await deployments.EnqueueForcedAsync(a, _b.ApplicationId)).Error,
            ["DeploymentService.GetAsync"] = async a => (await deployments.GetAsync(a, _b.DeploymentId)).Error,
            ["DeploymentService.ListAsync"] = async a => (await deployments.ListAsync(a, _b.ApplicationId)).Error,
            ["DeploymentService.HistoryAsync"] = async a => (await deployments.HistoryAsync(a, _b.DeploymentId)).Error,
            ["DeploymentService.QueuePositionAsync"] = async a => (await deployments.QueuePositionAsync(a, _b.DeploymentId)).Error,
            ["DeploymentService.LogAsync"] = async a => (await deployments.LogAsync(a, _b.DeploymentId)).Error,
            ["DeploymentService.RollbackTargetsAsync"] = async a => (await deployments.RollbackTargetsAsync(a, _b.ApplicationId)).Error,
            ["DeploymentService.RollbackAsync"] = async a => (await deployments.RollbackAsync(a, _b.ApplicationId)).Error,
            ["RoutingService.GetAsync"] = async a => (await routing.GetAsync(a, _b.ApplicationId)).Error,
            ["RoutingService.PreviewProxyConfigurationAsync"] = async a => (await routing.PreviewProxyConfigurationAsync(a, _b.ApplicationId)).Error,
            ["RoutingService.UpdateAsync"] = async a => (await routing.UpdateAsync(a, _b.ApplicationId, new RoutingInput { IpAllowList = "0.0.0.0/0", RedirectToHttps = false })).Error,
            ["MonitoringService.WatchAsync"] = async a =>
            {
                var watch = await monitoring.WatchAsync(a, _b.ApplicationId, _ => { });
                watch.Value?.Dispose();
                return watch.Error;
            },
            ["MonitoringService.FollowLogsAsync"] = async a => (await monitoring.FollowLogsAsync(a, _b.ApplicationId)).Error,
            ["MonitoringService.ReadLogsAsync"] = async a => (await monitoring.ReadLogsAsync(a, _b.ApplicationId, 10)).Error,
            ["PreviewService.GetSettingsAsync"] = async a => (await previews.GetSettingsAsync(a, _b.ApplicationId)).Error,
            ["PreviewService.UpdateSettingsAsync"] = async a => (await previews.UpdateSettingsAsync(a, _b.ApplicationId, new GoForge.Core.Previews.PreviewSettingsInput { Enabled = false })).Error,
            ["PreviewService.ListAsync"] = async a => (await previews.ListAsync(a, _b.ApplicationId)).Error,
            ["PreviewService.ApproveAsync"] = async a => (await previews.ApproveAsync(a, _b.PreviewId, new string('a', 40))).Error,
            ["PreviewService.RedeployAsync"] = async a => (await previews.RedeployAsync(a, _b.PreviewId)).Error,
            ["PreviewService.DeleteAsync"] = async a => (await previews.DeleteAsync(a, _b.PreviewId)).Error,
            ["PreviewService.ListVariablesAsync"] = async a => (await previews.ListVariablesAsync(a, _b.ApplicationId)).Error,
            ["PreviewService.SetVariableAvailableAsync"] = async a => (await previews.SetVariableAvailableAsync(a, _b.ApplicationId, _b.VariableId, true)).Error,
            ["WebhookService.GetAsync"] = async a => (await webhooks.GetAsync(a, _b.ApplicationId)).Error,
            ["WebhookService.ListDeliveriesAsync"] = async a => (await webhooks.ListDeliveriesAsync(a, _b.ApplicationId)).Error,
            ["WebhookService.RevealSecretAsync"] = async a => (await webhooks.RevealSecretAsync(a, _b.ApplicationId)).Error,
            ["WebhookService.RegenerateSecretAsync"] = async a => (await webhooks.RegenerateSecretAsync(a, _b.ApplicationId)).Error,
            ["GitCredentialService.GetAsync"] = async a => (await credentials.GetAsync(a, appScope)).Error,
            ["GitCredentialService.SetTokenAsync"] = async a => (await credentials.SetTokenAsync(a, projectScope, new GitTokenInput("git", "stolen"))).Error,
            ["GitCredentialService.GenerateDeployKeyAsync"] = async a => (await credentials.GenerateDeployKeyAsync(a, appScope)).Error,
            ["GitCredentialService.ForgetHostKeyAsync"] = async a => (await credentials.ForgetHostKeyAsync(a, projectScope)).Error,
            ["GitCredentialService.RemoveAsync"] = async a => (await credentials.RemoveAsync(a, projectScope)).Error,
            ["ServiceInstanceService.ListAsync"] = async a => (await services.ListAsync(a, _b.EnvironmentId)).Error,
            ["ServiceInstanceService.GetAsync"] = async a => (await services.GetAsync(a, _b.ServiceId)).Error,
            ["ServiceInstanceService.ConnectionAsync"] = async a => (await services.ConnectionAsync(a, _b.ServiceId)).Error,
            ["ServiceInstanceService.RevealAsync"] = async a => (await services.RevealAsync(a, _b.ServiceId)).Error,
            ["ServiceInstanceService.SuggestNameAsync"] = async a => (await services.SuggestNameAsync(a, _b.EnvironmentId, (await catalog.GetAsync("redis")).Value!)).Error,
            ["ServiceInstanceService.CreateAsync"] = async a => (await services.CreateAsync(a, _b.EnvironmentId, serviceInput)).Error,
            ["ServiceInstanceService.StartAsync"] = async a => (await services.StartAsync(a, _b.ServiceId)).Error,
            ["ServiceInstanceService.StopAsync"] = async a => (await services.StopAsync(a, _b.ServiceId)).Error,
            ["ServiceInstanceService.RestartAsync"] = async a => (await services.RestartAsync(a, _b.ServiceId)).Error,
            ["ServiceInstanceService.ChangeVersionAsync"] = async a => (await services.ChangeVersionAsync(a, _b.ServiceId, "7.2")).Error,
            ["ServiceInstanceService.DeleteAsync"] = async a => (await services.DeleteAsync(a, _b.ServiceId, keepVolumes: false)).Error,
            ["ServiceInstanceService.LinkAsync"] = async a => (await services.LinkAsync(a, _b.ServiceId, "url", _b.ApplicationId, "STOLEN")).Error,
            ["ServiceCommands.CreateAsync"] = async a => (await commands.CreateAsync(a, _b.EnvironmentId, serviceInput)).Error,
            ["ServiceCommands.StartAsync"] = async a => (await commands.StartAsync(a, _b.ServiceId)).Error,
            ["ServiceCommands.StopAsync"] = async a => (await commands.StopAsync(a, _b.ServiceId)).Error,
            ["ServiceCommands.RestartAsync"] = async a => (await commands.RestartAsync(a, _b.ServiceId)).Error,
            ["ServiceCommands.ChangeVersionAsync"] = async a => (await commands.ChangeVersionAsync(a, _b.ServiceId, "7.2")).Error,
            ["ServiceCommands.DeleteAsync"] = async a => (await commands.DeleteAsync(a, _b.ServiceId, keepVolumes: false)).Error,
            ["ServiceCommands.CancelAsync"] = async a => (await commands.CancelAsync(a, _b.ServiceId)).Error,
            ["ServiceCommands.GetOperationAsync"] = async a => (await commands.GetOperationAsync(a, _b.ServiceId, _b.ServiceOperationId)).Error,
            ["AppVolumeService.ListAsync"] = async a => (await appVolumes.ListAsync(a, _b.ApplicationId)).Error,
            ["AppVolumeService.AddAsync"] = async a => (await appVolumes.AddAsync(a, _b.ApplicationId, new GoForge.Core.Volumes.AppVolumeInput { Name = "stolen", MountPath = "/stolen" })).Error,
            ["AppVolumeService.DeleteAsync"] = async a => (await appVolumes.DeleteAsync(a, _b.VolumeId, "data")).Error,
            ["AppVolumeService.SetBindMountsAllowedAsync"] = async a => (await appVolumes.SetBindMountsAllowedAsync(a, _b.ApplicationId, true)).Error,
            ["AppVolumeService.DeleteApplicationAsync"] = async a => (await appVolumes.DeleteApplicationAsync(a, _b.ApplicationId, deleteVolumes: true)).Error,
            ["ServiceBackupService.OverviewAsync"] = async a => (await backups.OverviewAsync(a, _b.ServiceId)).Error,
            ["ServiceBackupService.IsSupportedAsync"] = async a => (await backups.IsSupportedAsync(a, _b.ServiceId)).Error,
            ["ServiceBackupService.GetRunAsync"] = async a => (await backups.GetRunAsync(a, _b.ServiceId, _b.BackupRunId)).Error,
            ["ServiceBackupService.SaveScheduleAsync"] = async a => (await backups.SaveScheduleAsync(a, _b.ServiceId, new GoForge.Core.Backups.BackupScheduleInput { Cron = "0 3 * * *", DestinationId = _backupDestinationId })).Error,
            ["ServiceBackupService.BackUpNowAsync"] = async a => (await backups.BackUpNowAsync(a, _b.ServiceId)).Error,
            ["ServiceBackupService.RestoreAsync"] = async a => (await backups.RestoreAsync(a, _b.ServiceId, _b.BackupRunId, "cache")).Error,
            ["ServiceBackupService.OpenArchiveAsync"] = async a => (await backups.OpenArchiveAsync(a, _b.ServiceId, _b.BackupRunId)).Error,
            ["ServiceBackupService.CancelAsync"] = async a => (await backups.CancelAsync(a, _b.ServiceId, _b.BackupRunId)).Error,
            ["ComposeOverviewService.GetAsync"] = async a => (await _host.Get<ComposeOverviewService>().GetAsync(a, _b.ApplicationId)).Error,
            ["NotificationChannelService.ListAsync"] = async a => (await channels.ListAsync(a, _b.ProjectId)).Error,
            ["NotificationChannelService.GetAsync"] = async a => (await channels.GetAsync(a, _b.ChannelId)).Error,
            ["NotificationChannelService.CreateAsync"] = async a => (await channels.CreateAsync(a, _b.ProjectId, NotificationChannel("https://evil.example/steal"))).Error,
            ["NotificationChannelService.UpdateAsync"] = async a => (await channels.UpdateAsync(a, _b.ChannelId, NotificationChannel("https://evil.example/steal"))).Error,
            ["NotificationChannelService.DeleteAsync"] = async a => (await channels.DeleteAsync(a, _b.ChannelId)).Error,
            ["NotificationChannelService.SendTestAsync"] = async a => (await channels.SendTestAsync(a, _b.ChannelId)).Error,
            ["NotificationChannelService.ListDeliveriesAsync"] = async a => (await channels.ListDeliveriesAsync(a, _b.ChannelId)).Error,
            ["DeploymentService.WatchAsync"] = async a =>
            {
                var watch = await deployments.WatchAsync(a, _b.ApplicationId, _ => { });
                watch.Value?.Dispose();
                return watch.Error;
            },
            ["AuditLogService.ListAsync"] = async a => (await auditLog.ListAsync(a, new GoForge.Core.AuditTrail.AuditLogFilter { ProjectId = _b.ProjectId }, null, 10)).Error,
            ["AuditLogService.ExportAsync"] = async a => (await auditLog.ExportAsync(a, new GoForge.Core.AuditTrail.AuditLogFilter { ProjectId = _b.ProjectId })).Error,
        };
    }

    // Listing returns only the caller's own projects (tested in ProjectServicesTests; the audit log's filter choices in
    // The_audit_log_shows_an_administrator_everything_and_a_maintainer_only_the_projects_they_maintain); creating makes a new one;
    // waiting takes an operation the caller already got from an authorized call, and no actor.
    private static readonly string[] NotAboutAnExistingProject = ["ProjectService.ListAsync", "ProjectService.CreateAsync", "ServiceInstanceService.PreviewAsync", "ServiceCommands.WaitAsync", "AuditLogService.ProjectsAsync"];

    private static readonly HashSet<string> ReadOnlyCalls =
    [
        "ProjectService.GetAsync", "EnvironmentService.ListAsync", "EnvironmentService.GetAsync", "ApplicationService.ListAsync",
        "ApplicationService.GetAsync", "VariableService.ListAsync", "MembershipService.ListAsync",
        "DeploymentService.GetAsync", "DeploymentService.ListAsync", "DeploymentService.HistoryAsync", "DeploymentService.QueuePositionAsync",
        "DeploymentService.LogAsync", "DeploymentService.RollbackTargetsAsync", "DeploymentService.WatchAsync",
        "RoutingService.GetAsync", "RoutingService.PreviewProxyConfigurationAsync",
        "MonitoringService.WatchAsync", "MonitoringService.FollowLogsAsync", "MonitoringService.ReadLogsAsync",
        "WebhookService.GetAsync", "WebhookService.ListDeliveriesAsync", "GitCredentialService.GetAsync",
        "ServiceInstanceService.ListAsync", "ServiceInstanceService.GetAsync", "ServiceInstanceService.ConnectionAsync",
        "ServiceInstanceService.SuggestNameAsync", "ServiceCommands.GetOperationAsync", "AppVolumeService.ListAsync",
        "PreviewService.GetSettingsAsync", "PreviewService.ListAsync", "PreviewService.ListVariablesAsync",
        "ComposeOverviewService.GetAsync", "ServiceBackupService.OverviewAsync", "ServiceBackupService.IsSupportedAsync", "ServiceBackupService.GetRunAsync",
    ];

    // Deploy calls that a deployer may make but that project B's state refuses (nothing is running to roll back).
    private static readonly HashSet<string> DeployCallsRefusedByState = ["DeploymentService.RollbackAsync", "ServiceBackupService.BackUpNowAsync"];

    // Deploy calls that a deployer may make but that project B's application refuses as input (a forced deploy is for image applications).
    private static readonly HashSet<string> DeployCallsRefusedByInput = ["DeploymentService.EnqueueForcedAsync"];

    // What a deployer may do besides reading.
    private static readonly HashSet<string> DeployCalls = ["DeploymentService.EnqueueAsync", "DeploymentService.CancelAsync", "ServiceBackupService.CancelAsync", "PreviewService.RedeployAsync"];

    [Fact]
    public void The_matrix_covers_every_public_service_method()
    {
        var methods = ServiceTypes
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(m => $"{t.Name}.{m.Name}"))
            .Except(NotAboutAnExistingProject)
            .ToHashSet();

        Assert.Equal(methods.Order(), Calls().Keys.Order());
    }

    [Fact]
    public async Task Outsiders_get_not_found_from_every_method_and_change_nothing()
    {
        var before = await SnapshotAsync();

        foreach (var (name, call) in Calls())
        {
            var error = await call(_intruder);
            Assert.True(error?.Kind == ErrorKind.NotFound, $"{name} answered {error?.Kind.ToString() ?? "success"} to an outsider");
        }

        Assert.Equal(before, await SnapshotAsync());
        Assert.DoesNotContain(await _host.Get<ProjectService>().ListAsync(_intruder), p => p.Project.Id == _b.ProjectId);
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("deployer")]
    public async Task Viewers_and_deployers_read_deployers_deploy_and_every_other_change_and_secret_reveal_is_forbidden(string who)
    {
        var actor = who == "viewer" ? _viewer : _deployer;
        // A deployer's queued and canceled deployments are allowed changes; nothing else may move.
        var before = await SnapshotAsync(includeDeployments: who == "viewer");

        foreach (var (name, call) in Calls())
        {
            var error = await call(actor);
            if (ReadOnlyCalls.Contains(name) || (who == "deployer" && DeployCalls.Contains(name)))
            {
                Assert.True(error is null, $"{name} refused a {who}: {error?.Message}");
            }
            else if (who == "deployer" && DeployCallsRefusedByState.Contains(name))
            {
                Assert.True(error?.Kind == ErrorKind.Conflict, $"{name} answered {error?.Kind.ToString() ?? "success"} to a deployer");
            }
            else if (who == "deployer" && DeployCallsRefusedByInput.Contains(name))
            {
                Assert.True(error?.Kind == ErrorKind.Validation, $"{name} answered {error?.Kind.ToString() ?? "success"} to a deployer");
            }
            else
            {
                Assert.True(error?.Kind == ErrorKind.Forbidden, $"{name} answered {error?.Kind.ToString() ?? "success"} to a {who}");
            }
        }

        Assert.Equal(before, await SnapshotAsync(includeDeployments: who == "viewer"));
        var listed = (await _host.Get<VariableService>().ListAsync(actor, _b.ApplicationId)).Value!;
        Assert.Null(Assert.Single(listed).Value);
    }

    /// <summary>A compose application's settings, domains and variables, through the same services, against project B's compose application.</summary>
    private Dictionary<string, Func<Actor, Task<Error?>>> ComposeCalls()
    {
        var applications = _host.Get<ApplicationService>();
        var variables = _host.Get<VariableService>();
        var hijack = ApplicationInput.From(_bCompose) with { ComposePath = "evil/compose.yml", Domains = "web: evil.example.com" };
        return new()
        {
            ["ApplicationService.GetAsync"] = async a => (await applications.GetAsync(a, _bCompose.Id)).Error,
            ["ApplicationService.UpdateAsync"] = async a => (await applications.UpdateAsync(a, _bCompose.Id, hijack)).Error,
            ["ApplicationService.DeleteAsync"] = async a => (await applications.DeleteAsync(a, _bCompose.Id)).Error,
            ["ApplicationService.CreateAsync"] = async a => (await applications.CreateAsync(a, _b.EnvironmentId, hijack with { Name = "sneaky stack" })).Error,
            ["VariableService.ListAsync"] = async a => (await variables.ListAsync(a, _bCompose.Id)).Error,
            ["VariableService.SetAsync"] = async a => (await variables.SetAsync(a, _bCompose.Id, new VariableInput("WORKER_ONLY", null, Services: []))).Error,
            ["VariableService.SetManyAsync"] = async a => (await variables.SetManyAsync(a, _bCompose.Id, [new VariableInput("X", "y", Services: ["web"])])).Error,
        };
    }

    [Theory]
    [InlineData("outsider")]
    [InlineData("viewer")]
    [InlineData("deployer")]
    public async Task A_compose_applications_settings_domains_and_variables_are_not_found_to_outsiders_and_read_only_to_viewers_and_deployers(string who)
    {
        var actor = who switch { "outsider" => _intruder, "viewer" => _viewer, _ => _deployer };
        var before = await ComposeSnapshotAsync();

        foreach (var (name, call) in ComposeCalls())
        {
            var error = await call(actor);
            var expected = who == "outsider" ? ErrorKind.NotFound : name.EndsWith(".GetAsync", StringComparison.Ordinal) || name.EndsWith(".ListAsync", StringComparison.Ordinal) ? (ErrorKind?)null : ErrorKind.Forbidden;
            Assert.True(error?.Kind == expected, $"{name} answered {error?.Kind.ToString() ?? "success"} to a compose application's {who}");
        }

        Assert.Equal(before, await ComposeSnapshotAsync());
    }

    private async Task<string> ComposeSnapshotAsync()
    {
        var app = (await _host.Get<ApplicationService>().GetAsync(_maintainer, _bCompose.Id)).Value!;
        var variables = (await _host.Get<VariableService>().ListAsync(_maintainer, _bCompose.Id)).Value!;
        var apps = (await _host.Get<ApplicationService>().ListAsync(_maintainer, _b.EnvironmentId)).Value!;
        return string.Join("|", app.Name, app.ComposePath, string.Join(",", app.Domains.Select(d => d.ToInputText())), app.UpdatedAt.Ticks,
            string.Join(",", variables.Select(v => $"{v.Key}:{string.Join('+', v.Services ?? [])}:{v.UpdatedAt.Ticks}")), apps.Count);
    }

    [Fact]
    public async Task The_dashboard_shows_an_outsider_nothing_of_the_project_and_a_viewer_its_application()
    {
        var dashboard = _host.Get<DashboardService>();

        var outsider = (await dashboard.GetAsync(_intruder)).Value!;
        var viewer = (await dashboard.GetAsync(_viewer)).Value!;

        Assert.DoesNotContain(outsider.Applications, a => a.Id == _b.ApplicationId);
        Assert.DoesNotContain(outsider.RecentDeployments, d => d.Deployment.Id == _b.DeploymentId);
        Assert.Contains(viewer.Applications, a => a.Id == _b.ApplicationId && a.Health == ApplicationHealth.NotDeployed);
        Assert.Contains(viewer.RecentDeployments, d => d.Deployment.Id == _b.DeploymentId);
    }

    [Fact]
    public async Task Administrators_reach_every_project()
    {
        var admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));

        Assert.True((await _host.Get<ProjectService>().GetAsync(admin, _b.ProjectId)).IsSuccess);
        Assert.Equal("s3cret", (await _host.Get<VariableService>().RevealAsync(admin, _b.VariableId)).Value);
    }

    [Fact]
    public async Task The_audit_log_shows_an_administrator_everything_and_a_maintainer_only_the_projects_they_maintain()
    {
        var audit = _host.Get<GoForge.Core.AuditTrail.AuditLogService>();
        var admin = Actor.From(await TestUsers.CreateAsync(_host, UserRole.Admin));
        var intruders = Assert.Single(await _host.Get<ProjectService>().ListAsync(_intruder)).Project.Id;
        var all = GoForge.Core.AuditTrail.AuditLogFilter.None;
        async Task<HashSet<Guid?>> ProjectsSeenBy(Actor actor) =>
            (await audit.ListAsync(actor, all, null, GoForge.Core.AuditTrail.AuditLogService.MaxPage)).Value!.Entries.Select(e => e.Event.ProjectId).ToHashSet();

        Assert.Superset(new HashSet<Guid?> { _b.ProjectId, intruders, null }, await ProjectsSeenBy(admin));
        Assert.Equal([_b.ProjectId], await ProjectsSeenBy(_maintainer));
        Assert.Equal([intruders], await ProjectsSeenBy(_intruder));
        Assert.Equal(ErrorKind.NotFound, (await audit.ListAsync(_maintainer, all with { ProjectId = intruders }, null, 10)).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await audit.ListAsync(_intruder, all with { ProjectId = _b.ProjectId }, null, 10)).Error?.Kind);
        Assert.True((await audit.ListAsync(admin, all with { ProjectId = intruders }, null, 10)).IsSuccess);
        Assert.Equal(ErrorKind.NotFound, (await audit.ListAsync(_viewer, all, null, 10)).Error?.Kind);
        Assert.Equal(ErrorKind.NotFound, (await audit.ListAsync(_deployer, all, null, 10)).Error?.Kind);
        Assert.Equal([_b.ProjectId], (await audit.ProjectsAsync(_maintainer)).Value!.Select(p => p.Id));
        Assert.Equal(ErrorKind.NotFound, (await audit.ProjectsAsync(_viewer)).Error?.Kind);
    }

    private async Task<string> SnapshotAsync(bool includeDeployments = true)
    {
        var m = _maintainer;
        var project = (await _host.Get<ProjectService>().GetAsync(m, _b.ProjectId)).Value!;
        var environments = (await _host.Get<EnvironmentService>().ListAsync(m, _b.ProjectId)).Value!;
        var app = (await _host.Get<ApplicationService>().GetAsync(m, _b.ApplicationId)).Value!;
        var variables = (await _host.Get<VariableService>().ListAsync(m, _b.ApplicationId)).Value!;
        var secret = (await _host.Get<VariableService>().RevealAsync(m, _b.VariableId)).Value;
        var members = (await _host.Get<MembershipService>().ListAsync(m, _b.ProjectId)).Value!;
        var deployments = (await _host.Get<DeploymentService>().ListAsync(m, _b.ApplicationId)).Value!;
        var routing = (await _host.Get<RoutingService>().GetAsync(m, _b.ApplicationId)).Value!;
        var webhookSecret = (await _host.Get<WebhookService>().RevealSecretAsync(m, _b.ApplicationId)).Value;
        var credential = (await _host.Get<GitCredentialService>().GetAsync(m, GitCredentialScope.Application(_b.ApplicationId))).Value;
        var service = (await _host.Get<ServiceInstanceService>().GetAsync(m, _b.ServiceId)).Value!;
        var services = (await _host.Get<ServiceInstanceService>().ListAsync(m, _b.EnvironmentId)).Value!;
        var serviceInputs = string.Join(",", (await _host.Get<ServiceInstanceService>().RevealAsync(m, _b.ServiceId)).Value!.Inputs.Select(i => $"{i.Key}={i.Value}"));
        var backupSchedule = await _host.Get<GoForge.Core.Backups.IBackupScheduleRepository>().GetByTargetAsync(_b.ServiceId);
        var backupRuns = await _host.Get<GoForge.Core.Backups.IBackupRunRepository>().ListRecentAsync(_b.ServiceId, 50);
        var previewSettings = await _host.Get<GoForge.Core.Previews.IPreviewRepository>().GetSettingsAsync(_b.ApplicationId);
        var previewList = await _host.Get<GoForge.Core.Previews.IPreviewRepository>().ListAsync(_b.ApplicationId);
        var previewVariables = await _host.Get<GoForge.Core.Previews.IPreviewRepository>().ListPreviewVariableIdsAsync(_b.ApplicationId);
        return string.Join("|",
            $"{previewSettings?.Enabled}:{previewSettings?.DomainPattern}:{previewSettings?.UpdatedAt.Ticks}",
            string.Join(",", previewList.Select(p => includeDeployments ? $"{p.Id}:{p.State}:{p.ApprovedCommit}" : $"{p.Id}:{p.ApprovedCommit}")),
            string.Join(",", previewVariables),
            webhookSecret, credential,
            backupSchedule?.Cron ?? "no schedule",
            includeDeployments ? string.Join(",", backupRuns.Select(r => $"{r.Id}:{r.State}")) : "-",
            $"{service.State}:{service.Version}:{service.UpdatedAt.Ticks}:{services.Count}:{serviceInputs}",
            includeDeployments ? string.Join(",", deployments.Select(d => $"{d.Id}:{d.State}")) : "-",
            project.Name, project.UpdatedAt.Ticks,
            string.Join(",", environments.Select(e => e.Name)),
            app.Name, app.GitUrl, string.Join(",", app.Domains), app.UpdatedAt.Ticks,
            string.Join(",", variables.Select(v => $"{v.Key}:{v.UpdatedAt.Ticks}")), secret,
            string.Join(",", members.Select(x => $"{x.Login}:{x.Role}")),
            routing.RedirectToHttps, routing.IpAllowList,
            string.Join(",", (await _host.Get<GoForge.Core.Volumes.IAppVolumeRepository>().ListAsync(_b.ApplicationId)).Select(v => $"{v.Id}:{v.Name}:{v.MountPath}")),
            await _host.Get<GoForge.Core.Volumes.IAppVolumeRepository>().BindMountsAllowedAsync(_b.ApplicationId),
            string.Join(",", (await _host.Get<GoForge.Core.Notifications.NotificationChannelService>().ListAsync(m, _b.ProjectId)).Value!.Select(c => $"{c.Id}:{c.Name}:{c.Settings.WebhookUrl}:{c.UpdatedAt.Ticks}")),
            (await _host.Get<GoForge.Core.Notifications.NotificationChannelService>().ListDeliveriesAsync(m, _b.ChannelId)).Value!.Count);
    }
}
