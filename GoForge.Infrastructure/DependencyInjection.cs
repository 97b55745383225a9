using GoForge.Core.Auditing;
using GoForge.Core.Deployments;
using GoForge.Core.GitProviders;
using GoForge.Core.Identity;
using GoForge.Core.Identity.GitHub;
using GoForge.Core.Monitoring;
using GoForge.Core.Projects;
using GoForge.Core.Routing;
using GoForge.Core.Servers;
using GoForge.Core.Services;
using GoForge.Infrastructure.Auditing;
using GoForge.Infrastructure.Catalog;
using GoForge.Infrastructure.Compose;
using GoForge.Infrastructure.Crypto;
using GoForge.Infrastructure.Deployments;
using GoForge.Infrastructure.Docker;
using GoForge.Infrastructure.Docker.Monitoring;
using GoForge.Infrastructure.Git;
using GoForge.Infrastructure.GitProviders;
using GoForge.Infrastructure.Identity;
using GoForge.Infrastructure.Identity.GitHub;
using GoForge.Infrastructure.Monitoring;
using GoForge.Infrastructure.Notifications;
using GoForge.Infrastructure.Persistence;
using GoForge.Infrastructure.Persistence.Backups;
using GoForge.Infrastructure.Projects;
using GoForge.Infrastructure.Proxy;
using GoForge.Infrastructure.Routing;
using GoForge.Infrastructure.Services;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace GoForge.Infrastructure;

public static class DependencyInjection
{
    /// <summary>Registers PostgreSQL (data source, migrator, repositories), crypto and the Docker adapters.</summary>
    public static IHostApplicationBuilder AddGoForgeInfrastructure(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(DatabaseConnectionString.Name);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "No database configured: set ConnectionStrings:GoForge (environment variable ConnectionStrings__GoForge) to a PostgreSQL connection string.");
        }

        DapperConventions.Apply();
        var services = builder.Services;
        services.AddSingleton(new DatabaseConnectionString(connectionString));
        services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddSingleton<DatabaseMigrator>();
        services.AddDapperRepositories();
        services.AddDatabaseBackups();
        Backups.BackupStorageRegistration.AddBackupStorage(services);
        services.AddNotificationDelivery();

        services.AddOptions<PasswordHashingOptions>()
            .BindConfiguration(PasswordHashingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IPasswordHasher, Argon2PasswordHasher>();
        services.AddSingleton<IBasicAuthHasher, BcryptBasicAuthHasher>();
        services.AddSecretProtection();

        services.AddOptions<DockerOptions>()
            .BindConfiguration(DockerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<DockerClientProvider>();
        services.AddGitClient();
        services.AddOptions<GitClientOptions>().BindConfiguration(GitClientOptions.SectionName);
        services.AddDockerAdapters();
        services.AddMonitoringAdapters();
        services.TryAddSingleton<IHostMetrics, ProcHostMetrics>();
        services.AddProxyRoutes();
        services.AddSingleton<IEngineStatusProbe, DockerEngineStatusProbe>();
        services.AddSingleton<ISwarmEngine, DockerSwarmEngine>();
        services.AddServiceCatalog();
        services.AddComposeReading();
        return builder;
    }

    private static void AddDapperRepositories(this IServiceCollection services)
    {
        services.AddSingleton<IUserRepository, UserRepository>();
        services.AddSingleton<IUserSessionRepository, UserSessionRepository>();
        Identity.TwoFactor.TwoFactorStorageRegistration.AddTwoFactorStorage(services);
        services.AddSingleton<IAuditLog, AuditLogRepository>();
        services.AddSingleton<IAuditLogReader, AuditLogRepository>();
        services.AddSingleton<GoForge.Core.AuditTrail.IAuditRetentionRepository, AuditRetentionRepository>();
        services.AddSingleton<IProjectRepository, ProjectRepository>();
        services.AddSingleton<IEnvironmentRepository, EnvironmentRepository>();
        services.AddSingleton<IApplicationRepository, ApplicationRepository>();
        services.AddSingleton<IDomainHolderRepository, DomainHolderRepository>();
        services.AddSingleton<IEnvironmentVariableRepository, EnvironmentVariableRepository>();
        services.AddSingleton<GoForge.Core.Volumes.IAppVolumeRepository, Volumes.AppVolumeRepository>();
        services.AddSingleton<IDeploymentRepository, DeploymentRepository>();
        services.AddSingleton<GoForge.Core.Previews.IPreviewRepository, Previews.PreviewRepository>();
        services.AddSingleton<GoForge.Core.Registry.IRegistryCredentialRepository, Registry.RegistryCredentialRepository>();
        Runtime.RuntimeRegistration.AddApplicationRuntimeRepositories(services);
        services.AddSingleton<IRoutingSettingsRepository, RoutingSettingsRepository>();
        services.AddSingleton<IWebhookRepository, WebhookRepository>();
        services.AddSingleton<IGitCredentialRepository, GitCredentialRepository>();
        services.AddSingleton<IRepositoryNetworkSettingsRepository, RepositoryNetworkSettingsRepository>();
        services.AddSingleton<IGitHubSettingsRepository, GitHubSettingsRepository>();
        services.AddSingleton<IGitHubUserRepository, GitHubUserRepository>();
        services.AddSingleton<IInvitationRepository, InvitationRepository>();
        services.AddSingleton<IServiceInstanceRepository, ServiceInstanceRepository>();
        services.AddSingleton<IServiceOperationRepository, ServiceOperationRepository>();
        services.AddSingleton<GoForge.Core.Containers.IInstallationStore, Reconciliation.InstallationStore>();
        services.AddSingleton<GoForge.Core.Reconciliation.IReconcilerRepository, Reconciliation.ReconcilerRepository>();
        services.AddSingleton<GoForge.Core.Identity.ApiTokens.IApiTokenRepository, Identity.ApiTokens.ApiTokenRepository>();
        services.AddSingleton<Compose.ComposeDeploymentRepository>();
        services.AddSingleton<GoForge.Core.Compose.IComposeDeployments>(s => s.GetRequiredService<Compose.ComposeDeploymentRepository>());
        services.AddSingleton<GoForge.Core.Compose.IComposeServiceHistory>(s => s.GetRequiredService<Compose.ComposeDeploymentRepository>());
    }
}
