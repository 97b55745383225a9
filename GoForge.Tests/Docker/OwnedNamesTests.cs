using Docker.DotNet;
using Docker.DotNet.Models;
using GoForge.Core.Catalog;
using GoForge.Core.Containers;
using GoForge.Core.Projects;
using GoForge.Core.Services;
using GoForge.Infrastructure.Docker;
using GoForge.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

using GoForge.Tests.Support;

namespace GoForge.Tests.Docker;

/// <summary>
/// Networks and volumes GoForge names from ids and labels with their owner, on the real engine: a same-named network or
/// volume that is not the owner's is refused and left as it was, concurrent ensures end on one network, duplicates
/// are reduced to the oldest, and an old slug-named volume is kept only for the service its labels prove it is.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class OwnedNamesTests(DockerFixture fixture) : IAsyncLifetime
{
    private static readonly TemplateVolume Data = new("data", "/data");
    private readonly DockerClientProvider _provider = new(Options.Create(new DockerOptions { Endpoint = fixture.Endpoint }));
    private readonly List<string> _networks = [];
    private readonly List<string> _volumes = [];
    private readonly string _nonce = Guid.NewGuid().ToString("N")[..8];
    private readonly Guid _installation = Guid.NewGuid();

    private DockerNetworkStore Store => new(_provider, NullLogger<DockerNetworkStore>.Instance);

    private EnvironmentNetworks NewNetworks() => new(Store, TestInstallation.Identity(_installation), NullLogger<EnvironmentNetworks>.Instance);

    private ServiceVolumes Volumes => new(new DockerVolumeStore(_provider, NullLogger<DockerVolumeStore>.Instance), TestInstallation.Identity(_installation));

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>The owner labels and this installation's id: what GoForge creates a network or volume with.</summary>
    private Dictionary<string, string> WithInstallation(IReadOnlyDictionary<string, string> owner) =>
        new(owner) { [GoForgeLabels.Installation] = _installation.ToString() };

    public async Task DisposeAsync()
    {
        foreach (var name in _networks)
        {
            foreach (var network in await NetworksNamedAsync(name))
            {
                await fixture.Client.Networks.DeleteNetworkAsync(network.ID);
            }
        }

        foreach (var volume in _volumes)
        {
            try
            {
                await fixture.Client.Volumes.RemoveAsync(volume, force: true);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Never created.
            }
        }

        _provider.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_network_with_the_environments_name_that_is_not_its_own_is_refused_and_left_untouched(bool labelledForAnotherProject)
    {
        var (project, environment) = (Guid.NewGuid(), Guid.NewGuid());
        var name = Track(EngineNames.EnvironmentNetwork(environment));
        var labels = labelledForAnotherProject
            ? EnvironmentNetworks.OwnerLabels(Guid.NewGuid(), environment).ToDictionary()
            : new Dictionary<string, string> { ["someone"] = "else" };
        var planted = await fixture.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = name, Driver = "bridge", Labels = labels });

        var refused = await Assert.ThrowsAsync<EngineException>(() => NewNetworks().EnsureAsync(project, environment));

        Assert.Contains($"Docker network {name} exists but is not owned by this environment", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Remove or rename that network", refused.Message, StringComparison.Ordinal);
        var still = Assert.Single(await NetworksNamedAsync(name));
        Assert.Equal(planted.ID, still.ID);
        Assert.Equal(labels, still.Labels);
    }

    [Fact]
    public async Task A_network_with_a_compose_applications_name_labelled_for_another_application_is_refused_and_its_own_is_created_once()
    {
        var (project, environment, app) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var name = Track(EngineNames.ComposeNetwork(app));
        var foreign = EnvironmentNetworks.ComposeOwnerLabels(project, environment, Guid.NewGuid()).ToDictionary();
        var planted = await fixture.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = name, Driver = "bridge", Labels = foreign });

        var refused = await Assert.ThrowsAsync<EngineException>(() => NewNetworks().EnsureComposeAsync(project, environment, app));

        Assert.Contains($"Docker network {name} exists but is not owned by this application", refused.Message, StringComparison.Ordinal);
        Assert.Equal(planted.ID, Assert.Single(await NetworksNamedAsync(name)).ID);

        await fixture.Client.Networks.DeleteNetworkAsync(planted.ID);
        var networks = NewNetworks();
        var first = await networks.EnsureComposeAsync(project, environment, app);
        Assert.Equal(first, await networks.EnsureComposeAsync(project, environment, app));
        Assert.Equal(WithInstallation(EnvironmentNetworks.ComposeOwnerLabels(project, environment, app)), Assert.Single(await NetworksNamedAsync(name)).Labels);
    }

    [Fact]
    public async Task The_environments_network_is_created_once_with_its_owner_labels_and_reused()
    {
        var (project, environment) = (Guid.NewGuid(), Guid.NewGuid());
        var name = Track(EngineNames.EnvironmentNetwork(environment));
        var networks = NewNetworks();

        var first = await networks.EnsureAsync(project, environment);
        var again = await networks.EnsureAsync(project, environment);

        Assert.Equal(first, again);
        var network = Assert.Single(await NetworksNamedAsync(name));
        Assert.Equal(first.Id, network.ID);
        Assert.Equal("bridge", network.Driver);
        Assert.Equal(WithInstallation(EnvironmentNetworks.OwnerLabels(project, environment)), network.Labels);
    }

    [Fact]
    public async Task Concurrent_ensures_in_one_process_make_a_single_network()
    {
        var (project, environment) = (Guid.NewGuid(), Guid.NewGuid());
        var name = Track(EngineNames.EnvironmentNetwork(environment));
        var networks = NewNetworks();

        var all = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => networks.EnsureAsync(project, environment))));

        Assert.Single(all.Distinct());
        Assert.Equal(all[0].Id, Assert.Single(await NetworksNamedAsync(name)).ID);
    }

    [Fact]
    public async Task Concurrent_ensures_from_separate_processes_agree_on_one_network_and_leave_no_duplicate()
    {
        // A fresh EnvironmentNetworks each: no shared lock, as two panels on one engine. Engines before 25 create a
        // second network of the same name; the oldest is kept by all and the others are removed.
        var (project, environment) = (Guid.NewGuid(), Guid.NewGuid());
        var name = Track(EngineNames.EnvironmentNetwork(environment));

        var all = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => NewNetworks().EnsureAsync(project, environment))));

        var kept = Assert.Single(await NetworksNamedAsync(name));
        Assert.All(all, n => Assert.Equal(kept.ID, n.Id));
    }

    [Fact]
    public async Task Duplicate_owned_networks_of_one_name_are_reduced_to_the_oldest()
    {
        var (project, environment) = (Guid.NewGuid(), Guid.NewGuid());
        var name = Track(EngineNames.EnvironmentNetwork(environment));
        var labels = EnvironmentNetworks.OwnerLabels(project, environment).ToDictionary();
        var oldest = await fixture.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = name, Driver = "bridge", Labels = labels });
        await fixture.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = name, Driver = "bridge", Labels = labels });
        Assert.Equal(2, (await NetworksNamedAsync(name)).Count); // the engine's own ambiguity, as issue 17 reproduced it

        var kept = await NewNetworks().EnsureAsync(project, environment);

        Assert.Equal(oldest.ID, kept.Id);
        Assert.Equal(oldest.ID, Assert.Single(await NetworksNamedAsync(name)).ID);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_volume_with_a_services_volume_name_that_is_not_its_own_is_refused_and_left_untouched(bool labelledForAnotherService)
    {
        var (project, environment, service) = Service("beta", "production", "db");
        var name = TrackVolume(EngineNames.ServiceVolume(service.Id, Data.Name));
        var labels = labelledForAnotherService
            ? ServiceVolumes.OwnerLabels(service with { Id = Guid.NewGuid() }).ToDictionary()
            : new Dictionary<string, string> { ["someone"] = "else" };
        await fixture.Client.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Driver = "local", Labels = labels });

        var refused = await Assert.ThrowsAsync<EngineException>(() => Volumes.EnsureAsync(service, project, environment, [Data]));

        Assert.Contains($"Docker volume {name} exists but is not owned by this service", refused.Message, StringComparison.Ordinal);
        Assert.Equal(labels, (await fixture.Client.Volumes.InspectAsync(name)).Labels);
    }

    [Fact]
    public async Task A_service_gets_its_own_labelled_volume_named_from_its_id()
    {
        var (project, environment, service) = Service("beta", "production", "db");
        TrackVolume(EngineNames.ServiceVolume(service.Id, Data.Name));

        var mount = Assert.Single(await Volumes.EnsureAsync(service, project, environment, [Data]));

        Assert.Equal(new ContainerVolume(EngineNames.ServiceVolume(service.Id, Data.Name), "/data"), mount);
        Assert.Equal(WithInstallation(ServiceVolumes.OwnerLabels(service)), (await fixture.Client.Volumes.InspectAsync(mount.Name)).Labels);
    }

    [Fact]
    public async Task An_old_slug_named_volume_is_kept_for_the_service_its_labels_name_and_never_for_a_colliding_one()
    {
        // beta-corp/production/db and beta/corp-production/db had the same old volume name.
        var (ownerProject, ownerEnvironment, owner) = Service($"beta-corp-{_nonce}", "production", "db");
        var (otherProject, otherEnvironment, other) = Service("beta", $"corp-{_nonce}-production", "db");
        var legacy = TrackVolume(EngineNames.Legacy.ServiceVolume(ownerProject.Slug, ownerEnvironment.Slug, owner.Slug, Data.Name));
        Assert.Equal(legacy, EngineNames.Legacy.ServiceVolume(otherProject.Slug, otherEnvironment.Slug, other.Slug, Data.Name));
        TrackVolume(EngineNames.ServiceVolume(other.Id, Data.Name));
        await fixture.Client.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = legacy,
            Driver = "local",
            // As GoForge labelled service volumes before issue 17: no kind.
            Labels = new Dictionary<string, string>
            {
                [GoForgeLabels.Managed] = "true",
                [GoForgeLabels.Service] = owner.Id.ToString(),
                [GoForgeLabels.Project] = owner.ProjectId.ToString(),
                [GoForgeLabels.Environment] = owner.EnvironmentId.ToString(),
            },
        });

        var ownerMount = Assert.Single(await Volumes.EnsureAsync(owner, ownerProject, ownerEnvironment, [Data]));
        var otherMount = Assert.Single(await Volumes.EnsureAsync(other, otherProject, otherEnvironment, [Data]));

        Assert.Equal(legacy, ownerMount.Name);
        Assert.Equal(EngineNames.ServiceVolume(other.Id, Data.Name), otherMount.Name);
    }

    private (Project Project, ProjectEnvironment Environment, ServiceInstance Service) Service(string projectSlug, string environmentSlug, string serviceSlug)
    {
        var now = DateTimeOffset.UtcNow;
        var project = new Project { Id = Guid.NewGuid(), Name = projectSlug, Slug = projectSlug, CreatedAt = now, UpdatedAt = now };
        var environment = new ProjectEnvironment { Id = Guid.NewGuid(), ProjectId = project.Id, Name = environmentSlug, Slug = environmentSlug, CreatedAt = now };
        var service = new ServiceInstance
        {
            Id = Guid.NewGuid(),
            ProjectId = project.Id,
            EnvironmentId = environment.Id,
            TemplateId = "test",
            Version = "1",
            Name = serviceSlug,
            Slug = serviceSlug,
            State = ServiceState.Creating,
            CreatedAt = now,
            UpdatedAt = now,
        };
        return (project, environment, service);
    }

    private string Track(string network)
    {
        _networks.Add(network);
        return network;
    }

    private string TrackVolume(string volume)
    {
        _volumes.Add(volume);
        return volume;
    }

    private async Task<IReadOnlyList<NetworkResponse>> NetworksNamedAsync(string name) =>
        (await fixture.Client.Networks.ListNetworksAsync(new NetworksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } },
        })).Where(n => n.Name == name).ToList();
}
