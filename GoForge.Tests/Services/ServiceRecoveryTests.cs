using GoForge.Core.Identity;
using GoForge.Core.Services;
using GoForge.Tests.Harness;
using GoForge.Tests.Support;

namespace GoForge.Tests.Services;

[Collection(PostgresCollection.Name)]
public sealed class ServiceRecoveryTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_restart_fails_services_left_half_created_and_leaves_settled_ones_alone()
    {
        var connectionString = await postgres.CreateDatabaseAsync("service_recovery");
        var ids = new Dictionary<ServiceState, Guid>();
        var data = Directory.CreateTempSubdirectory("goforge-recovery-").FullName;
        var settings = new Dictionary<string, string?> { ["GoForge:DataPath"] = data }; // the same key after the restart
        await using (var first = await TestHost.StartOnAsync(connectionString, settings))
        {
            var owner = Actor.From(await TestUsers.CreateAsync(first));
            var (project, production) = await first.Services.CreateProjectAsync(owner, "Recovery");
            var repository = first.Get<IServiceInstanceRepository>();
            foreach (var state in Enum.GetValues<ServiceState>())
            {
                var now = DateTimeOffset.UtcNow;
                var instance = new ServiceInstance
                {
                    Id = Guid.CreateVersion7(), ProjectId = project.Id, EnvironmentId = production.Id, TemplateId = "test-kv", Version = "latest",
                    Name = state.ToString(), Slug = state.ToString().ToLowerInvariant(), State = state, Reason = "before", CreatedAt = now, UpdatedAt = now,
                };
                await repository.TryCreateAsync(instance, new Dictionary<string, string>(), null);
                ids[state] = instance.Id;
            }
        }

        // The panel starts again: the service worker recovers first.
        await using var restarted = await TestHost.StartOnAsync(connectionString, settings);
        var after = restarted.Get<IServiceInstanceRepository>();
        await Wait.UntilAsync(async () => (await after.ListUnsettledAsync()).Count == 0, "the recovery", TimeSpan.FromSeconds(30));

        foreach (var (state, id) in ids)
        {
            var now = (await after.GetAsync(id))!;
            if (state is ServiceState.Creating or ServiceState.Pulling or ServiceState.Starting)
            {
                Assert.Equal((ServiceState.Failed, ServiceRecovery.InterruptedReason), (now.State, now.Reason));
            }
            else
            {
                Assert.Equal((state, "before"), (now.State, now.Reason));
            }
        }

        Directory.Delete(data, recursive: true);
    }
}
