using GoForge.Core.Backups;
using GoForge.Core.Catalog;
using GoForge.Core.Common.Live;
using GoForge.Core.Compose;
using GoForge.Core.Containers;
using GoForge.Core.Upgrades;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Core.Monitoring;
using GoForge.Core.Notifications;
using GoForge.Core.Operations;
using GoForge.Core.Projects;
using GoForge.Core.Reconciliation;
using GoForge.Core.Registry;
using GoForge.Core.Routing;
using GoForge.Core.Secrets;
using GoForge.Core.Services;
using GoForge.Core.Volumes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace GoForge.Core;

public static class DependencyInjection
{
    /// <summary>Registers GoForge's business services and their validated options.</summary>
    public static IHostApplicationBuilder AddGoForgeCore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();

        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<SessionOpener>();
        services.AddSingleton<SignInService>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<SetupService>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton<AccountService>();
        services.AddGitHubSignInServices();
        services.AddSingleton<GoForge.Core.Identity.ApiTokens.ApiTokenService>();
        GoForge.Core.Identity.TwoFactor.TwoFactorRegistration.AddTwoFactorServices(services);

        services.AddSingleton<ProjectAccess>();
        services.AddSingleton<GoForge.Core.Identity.ApiTokens.IProjectVisibility>(sp => sp.GetRequiredService<ProjectAccess>());
        services.AddSingleton<ProjectService>();
        services.AddSingleton<EnvironmentService>();
        services.AddSingleton<ApplicationService>();
        services.AddSingleton<DomainRules>();
        services.AddOptions<PanelHostsOptions>().BindConfiguration(PanelHostsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PanelHostsOptions>, PanelHostsOptionsValidator>();
        services.AddSingleton<VariableService>();
        services.AddAppVolumes();
        // The deployments' work folder is never a bind mount's source (docs/deployments/volumes.md).
        services.AddOptions<AppVolumeOptions>().PostConfigure<IOptions<DeploymentOptions>>((volumes, deployments) => volumes.ProtectedHostPaths.Add(deployments.Value.WorkDirectory));
        services.AddSingleton<MembershipService>();
        services.AddSingleton<RoutingService>();
        services.AddSingleton<ApplicationLocator>();
        services.AddSingleton<BackupService>();
        services.AddServiceBackups();
        GoForge.Core.Backups.Engines.ServiceBackupEngineRegistration.AddServiceBackupEngines(services);
        services.AddNotifications();
        services.AddSecretsServices();
        services.AddOptions<DeploymentOptions>()
            .BindConfiguration(DeploymentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeploymentOptions>, DeploymentOptionsValidator>();
        services.AddOptions<ProxyNetworkOptions>()
            .BindConfiguration(ProxyNetworkOptions.SectionName)
            .Configure<IConfiguration>((proxy, configuration) => proxy.Network ??= configuration[ProxyNetworkOptions.LegacyKey])
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyNetworkOptions>, ProxyNetworkOptionsValidator>();
        services.AddOptions<ProbeNetworkOptions>()
            .BindConfiguration(ProbeNetworkOptions.SectionName)
            .PostConfigure<IOptions<ProxyNetworkOptions>>((probe, proxy) =>
                probe.ProbeNetwork = string.IsNullOrEmpty(probe.ProbeNetwork) ? proxy.Value.Network : probe.ProbeNetwork)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProbeNetworkOptions>, ProbeNetworkOptionsValidator>();
        services.AddSingleton<EnvironmentNetworks>();
        services.AddSingleton<LegacyNetworkMigration>();
        services.AddSingleton<DeploymentSignal>();
        services.AddSingleton<DeploymentStates>();
        services.AddSingleton<DeploymentNotices>();
        services.AddSingleton<DeploymentCancellations>();
        services.AddSingleton<ChangeFeed<DeploymentUpdate>>();
        services.AddSingleton<ImageRetention>();
        services.AddSingleton<IApplicationTeardown, ApplicationTeardown>();
        services.AddSingleton<ApplicationRoutes>();
        services.AddSingleton<IDeploymentRunner, DeploymentRunner>();
        services.AddComposeDeploy();
        services.AddSingleton<ImageReuse>();
        services.AddSingleton<Runtime.ApplicationRuntimeService>();
        services.AddSingleton<DeploymentService>();
        services.AddSingleton<GoForgeMetrics>();

        services.AddOptions<RepositoryNetworkOptions>().BindConfiguration(RepositoryNetworkOptions.SectionName).ValidateOnStart();
        services.AddSingleton<RepositoryNetworkSettings>();
        services.AddSingleton<GitCredentialService>();
        services.AddSingleton<IRepositoryCredentials>(sp => sp.GetRequiredService<GitCredentialService>());
        services.AddSingleton<ChangeFeed<WebhookDelivery>>();
        services.AddSingleton<WebhookService>();
        services.AddSingleton<WebhookReceiver>();
        GoForge.Core.Previews.PreviewsRegistration.AddPreviews(services);

        services.AddOptions<MonitoringOptions>()
            .BindConfiguration(MonitoringOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MonitoringOptions>, MonitoringOptionsValidator>();
        services.AddSingleton<ContainerStatsHub>();
        services.AddSingleton<ContainerStateTracker>();
        services.AddSingleton<HostMonitor>();
        services.AddSingleton<MonitoringService>();
        services.AddSingleton<ComposeOverviewService>();
        services.AddSingleton<Compose.ComposeTeardown>();
        services.AddSingleton<IServiceSetTeardown>(s => s.GetRequiredService<Compose.ComposeTeardown>());
        services.AddSingleton<Volumes.IDeclaredVolumeTeardown>(s => s.GetRequiredService<Compose.ComposeTeardown>());
        services.AddSingleton<DockerAdminService>();
        services.AddSingleton<Servers.SwarmService>();
        GoForge.Core.AuditTrail.AuditTrailRegistration.AddAuditTrail(services);
        services.AddSingleton<DashboardService>();

        services.AddSingleton<CatalogService>();
        services.AddSingleton<ServiceInstanceService>();
        services.AddSingleton<ChangeFeed<ServiceChange>>();
        services.AddSingleton<ServiceStates>();
        services.AddSingleton<ServiceNotices>();
        services.AddSingleton<ServiceSignal>();
        services.AddSingleton<ServiceCancellations>();
        services.AddSingleton<ServiceOperationEnds>();
        services.AddSingleton<ServicePullWatch>();
        services.AddSingleton<ServiceVolumes>();
        services.AddSingleton<ServiceContainers>();
        services.AddSingleton<ServiceRunner>();
        services.AddSingleton<ServiceRecovery>();
        services.AddSingleton<ServiceCommands>();
        services.AddReconciler();
        services.AddRegistryImageServices();
        return builder;
    }

    /// <summary>The reconciler (docs/deployments/after-a-crash.md) and what it needs; its worker is added by <see cref="AddGoForgeWorkers"/>.</summary>
    private static void AddReconciler(this IServiceCollection services)
    {
        services.AddOptions<ReconcilerOptions>().BindConfiguration(ReconcilerOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReconcilerOptions>, ReconcilerOptionsValidator>();
        services.AddSingleton<InstallationIdentity>();
        services.AddSingleton<Common.Work.StartupRecovery>();
        services.AddSingleton<ReconcileSignal>();
        services.AddSingleton<ReconcilerActions>();
        services.AddSingleton<ComposeReconciler>();
        services.AddSingleton<ApplicationReconciler>();
        services.AddSingleton<ServiceReconciler>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<ApplicationEvents>();
    }

    /// <summary>
    /// Core's background work, for the panel process only (the CLI's local host and the tests' host leave it out):
    /// the network names migration (at start), the deployment worker, the service worker (which first recovers the operations a previous run left half-way), and the one Docker events
    /// subscriber (live container state and the stats streams of running containers).
    /// </summary>
    public static IHostApplicationBuilder AddGoForgeWorkers(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // First: the old-named networks are migrated before any deployment or service operation runs.
        services.AddHostedService<LegacyNetworkMigrationStartup>();
        services.AddHostedService<DeploymentWorker>();
        services.AddHostedService<ServiceWorker>();
        services.AddRegistryWorkers();
        services.AddBackupWorkers();
        services.AddHostedService<NotificationDispatcher>();
        GoForge.Core.Previews.PreviewsRegistration.AddPreviewWorkers(services);
        GoForge.Core.AuditTrail.AuditTrailRegistration.AddAuditTrailWorkers(services);
        services.AddHostedService(sp => sp.GetRequiredService<ContainerStateTracker>());
        // Last: its first pass waits for both workers' recovery.
        services.AddHostedService<ReconcilerWorker>();
        return builder;
    }
}
