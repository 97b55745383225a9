using System.Security.Claims;
using Bunit;
using GoForge.Core.Auditing;
using GoForge.Core.Catalog;
using GoForge.Core.Containers;
using GoForge.Core.Common.Live;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Core.Services;
using GoForge.Infrastructure.Catalog;
using GoForge.Infrastructure.Crypto;
using GoForge.Infrastructure.Git;
using GoForge.Infrastructure.Proxy.Traefik;
using GoForge.Web.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Support;

/// <summary>
/// Everything the project repositories would keep in PostgreSQL, in memory, for component tests that run the real
/// Core services. One lock guards it: bunit's renderer and the test thread both touch it.
/// </summary>
public sealed class InMemoryProjectStore
{
    internal readonly Lock Gate = new();
    internal readonly List<User> UserList = [];
    internal readonly List<Project> ProjectList = [];
    internal readonly List<ProjectEnvironment> EnvironmentList = [];
    internal readonly List<Application> ApplicationList = [];
    internal readonly List<EnvironmentVariable> VariableList = [];
    internal readonly List<(Guid ProjectId, Guid UserId, ProjectRole Role)> MemberList = [];
    internal readonly List<AuditEvent> AuditList = [];
    internal readonly Dictionary<Guid, RoutingSettings> RoutingMap = [];

    public IReadOnlyList<Application> Applications => Snapshot(ApplicationList);

    public IReadOnlyList<EnvironmentVariable> Variables => Snapshot(VariableList);

    public IReadOnlyList<AuditEvent> Audit => Snapshot(AuditList);

    /// <summary>The saved routing settings of an application; null when none were saved.</summary>
    public RoutingSettings? Routing(Guid applicationId)
    {
        lock (Gate)
        {
            return RoutingMap.GetValueOrDefault(applicationId);
        }
    }

    public User AddUser(string login, UserRole role = UserRole.Member)
    {
        var now = DateTimeOffset.UtcNow;
        var user = new User { Id = Guid.CreateVersion7(), Login = login, DisplayName = $"{login} (test)", Role = role, CreatedAt = now, UpdatedAt = now };
        lock (Gate)
        {
            UserList.Add(user);
        }

        return user;
    }

    internal void RemoveEnvironmentCascade(Guid environmentId)
    {
        foreach (var app in ApplicationList.Where(a => a.EnvironmentId == environmentId).ToList())
        {
            VariableList.RemoveAll(v => v.ApplicationId == app.Id);
            RoutingMap.Remove(app.Id);
            ApplicationList.Remove(app);
        }

        EnvironmentList.RemoveAll(e => e.Id == environmentId);
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (Gate)
        {
            return [.. list];
        }
    }
}

public static class InMemoryProjects
{
    /// <summary>Registers the in-memory repositories, the real project services over them, an empty deployment store, and <see cref="CurrentUser"/>.</summary>
    public static InMemoryProjectStore AddInMemoryProjects(this IServiceCollection services)
    {
        var store = new InMemoryProjectStore();
        services.AddSingleton(store);
        services.AddSingleton<IProjectRepository>(new InMemoryProjectRepository(store));
        services.AddSingleton<IEnvironmentRepository>(new InMemoryEnvironmentRepository(store));
        services.AddSingleton<IApplicationRepository>(new InMemoryApplicationRepository(store));
        services.AddSingleton<IEnvironmentVariableRepository>(new InMemoryVariableRepository(store));
        services.AddSingleton<IUserRepository>(new InMemoryUserRepository(store));
        services.AddSingleton<IAuditLog>(new InMemoryAuditLog(store));
        services.AddSingleton<IAuditLogReader>(new InMemoryAuditLogReader(store));
        services.AddSingleton<GoForge.Core.AuditTrail.AuditLogService>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ProjectAccess>();
        services.AddSingleton<ProjectService>();
        services.AddSingleton<EnvironmentService>();
        services.AddSingleton<ApplicationService>();
        services.AddOptions<PanelHostsOptions>();
        services.AddSingleton<IDomainHolderRepository>(new InMemoryDomainHolderRepository(store));
        services.AddSingleton<DomainRules>();
        services.AddSingleton<VariableService>();
        services.AddSingleton<MembershipService>();
        services.AddSingleton<IDeploymentRepository, NoDeploymentRepository>();
        // Deleting an application tears it down through the real type, over an engine that runs nothing and the
        // Traefik adapter on a folder that holds no route (nothing to remove).
        services.AddSingleton<IContainerRuntime, NoContainerRuntime>();
        services.AddSingleton<IProxyRoutes>(NoRoutes());
        services.TryAddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<InMemoryComposeServiceHistory>();
        services.AddSingleton<GoForge.Core.Compose.IComposeServiceHistory>(s => s.GetRequiredService<InMemoryComposeServiceHistory>());
        services.AddSingleton<GoForge.Core.Compose.ComposeTeardown>();
        services.AddSingleton<IServiceSetTeardown>(s => s.GetRequiredService<GoForge.Core.Compose.ComposeTeardown>());
        services.AddSingleton<GoForge.Core.Volumes.IDeclaredVolumeTeardown>(s => s.GetRequiredService<GoForge.Core.Compose.ComposeTeardown>());
        services.AddSingleton<GoForge.Core.Monitoring.ComposeOverviewService>();
        services.TryAddSingleton<GoForge.Core.Compose.IComposeDeployments, NoComposeDeployments>();
        services.AddSingleton<IApplicationTeardown, ApplicationTeardown>();
        services.AddSingleton<ChangeFeed<DeploymentUpdate>>();
        services.AddSingleton<DeploymentStates>();
        services.AddSingleton<InMemoryNotifications>();
        services.AddSingleton<GoForge.Core.Notifications.INotificationChannelRepository>(s => s.GetRequiredService<InMemoryNotifications>());
        services.AddSingleton<GoForge.Core.Notifications.INotificationDeliveries>(s => s.GetRequiredService<InMemoryNotifications>());
        services.AddSingleton<GoForge.Core.Notifications.INotificationHistory>(s => s.GetRequiredService<InMemoryNotifications>());
        services.AddSingleton<GoForge.Core.Notifications.IKnownAddressRepository>(s => s.GetRequiredService<InMemoryNotifications>());
        services.AddSingleton(Options.Create(new GoForge.Core.Notifications.NotificationOptions()));
        services.AddSingleton<GoForge.Core.Notifications.NotificationSignal>();
        services.AddSingleton<GoForge.Core.Notifications.NotificationPublisher>();
        services.AddSingleton<GoForge.Core.Notifications.INotifications>(s => s.GetRequiredService<GoForge.Core.Notifications.NotificationPublisher>());
        services.AddSingleton<GoForge.Core.Notifications.NotificationChannelService>();
        services.AddSingleton<DeploymentNotices>();
        services.AddSingleton<ServiceNotices>();
        services.AddSingleton<DeploymentSignal>();
        services.AddSingleton<DeploymentCancellations>();
        services.AddSingleton<DeploymentService>();
        services.AddSingleton<IRoutingSettingsRepository>(new InMemoryRoutingSettingsRepository(store));
        services.AddSingleton<IServiceInstanceRepository, InMemoryServiceInstanceRepository>();
        services.AddSingleton<IServiceTemplateSource>(new ServiceTemplateLoader(Options.Create(new CatalogOptions()), NullLogger<ServiceTemplateLoader>.Instance));
        services.AddSingleton<CatalogService>();
        services.AddSingleton<NoServiceRuntime>();
        services.AddSingleton<IServiceRuntime>(s => s.GetRequiredService<NoServiceRuntime>());
        services.AddSingleton<IImagePuller>(s => s.GetRequiredService<NoServiceRuntime>());
        services.AddSingleton<IVolumeStore>(s => s.GetRequiredService<NoServiceRuntime>());
        services.AddSingleton<INetworkStore>(s => s.GetRequiredService<NoServiceRuntime>());
        services.AddSingleton<ChangeFeed<ServiceChange>>();
        services.AddSingleton<ServiceInstanceService>();
        services.AddSingleton<IServiceOperationRepository, InMemoryServiceOperationRepository>();
        services.AddSingleton<ServiceStates>();
        services.AddSingleton<ServiceSignal>();
        services.AddSingleton<ServiceCancellations>();
        services.AddSingleton<ServiceOperationEnds>();
        services.AddSingleton<ServicePullWatch>();
        services.AddSingleton<ServiceCommands>();
        services.AddSingleton<IBasicAuthHasher, BcryptBasicAuthHasher>();
        services.AddSingleton(Options.Create(new TraefikOptions()));
        services.AddSingleton(Options.Create(new DeploymentOptions()));
        services.AddSingleton<IProxyRoutes>(NoRoutes());
        services.AddSingleton<RoutingService>();
        services.AddSingleton<IGitCredentialRepository, InMemoryGitCredentialRepository>();
        services.AddSingleton<IDeployKeyGenerator, Ed25519DeployKeyGenerator>();
        // Component tests name local repositories freely: local and private repositories allowed, as an admin can.
        services.Configure<RepositoryNetworkOptions>(o => o.AllowLocalAndPrivateRepositories = true);
        services.AddSingleton<IRepositoryNetworkSettingsRepository, InMemoryRepositoryNetworkSettingsRepository>();
        services.AddSingleton<RepositoryNetworkSettings>();
        services.AddSingleton<GitCredentialService>();
        services.AddSingleton<IRepositoryCredentials>(sp => sp.GetRequiredService<GitCredentialService>());
        services.AddSingleton<IWebhookRepository, InMemoryWebhookRepository>();
        services.AddSingleton<ChangeFeed<WebhookDelivery>>();
        services.AddSingleton<WebhookService>();
        services.AddSingleton<GoForge.Core.Reconciliation.ApplicationEvents>();
        services.AddSingleton<GoForge.Core.Volumes.IAppVolumeRepository, InMemoryAppVolumeRepository>();
        services.AddSingleton<GoForge.Core.Volumes.IVolumeUsage, NoVolumeUsage>();
        services.TryAddSingleton(TestInstallation.Identity());
        services.AddSingleton(Options.Create(new GoForge.Core.Volumes.AppVolumeOptions()));
        services.AddSingleton<GoForge.Core.Volumes.AppVolumeService>();
        services.AddInMemoryRuntime();
        services.AddScoped<CurrentUser>();
        return store;
    }

    /// <summary>The Traefik adapter over a folder that is never created: previews are real, there is no route to remove.</summary>
    private static TraefikFileRoutes NoRoutes() => new(
        Options.Create(new TraefikOptions { DynamicDirectory = Path.Combine(Path.GetTempPath(), $"goforge-no-routes-{Guid.NewGuid():N}") }),
        TimeProvider.System,
        NullLogger<TraefikFileRoutes>.Instance);

    /// <summary>Signs <paramref name="user"/> in for the rendered components, with the claims the real cookie carries.</summary>
    public static Actor SignIn(this BunitContext context, User user)
    {
        var auth = context.AddAuthorization();
        auth.SetAuthorized(user.Login);
        auth.SetRoles(GoForgeClaims.RoleName(user.Role));
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()), new Claim(GoForgeClaims.DisplayName, user.DisplayName));
        return Actor.From(user);
    }
}
