using Bunit;
using GoForge.Core.Identity;
using GoForge.Core.Monitoring;
using GoForge.Core.Projects;
using GoForge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GoForge.Tests.Components;

/// <summary>Registers the real monitoring services (stats hub, state tracker, MonitoringService) over a <see cref="FakeEngine"/>.</summary>
public static class FakeMonitoring
{
    public static FakeEngine AddFakeMonitoring(this IServiceCollection services, MonitoringOptions? options = null)
    {
        var engine = new FakeEngine();
        services.AddSingleton(engine);
        services.AddSingleton<IContainerInventory>(engine);
        services.AddSingleton<IEngineEventSource>(engine);
        services.AddSingleton<IContainerStatsSource>(engine);
        services.AddSingleton<IContainerLogSource>(engine);
        services.AddSingleton(Options.Create(options ?? new MonitoringOptions()));
        services.AddSingleton<ContainerStatsHub>();
        services.AddSingleton<ContainerStateTracker>();
        services.AddSingleton<MonitoringService>();
        return engine;
    }
}

/// <summary>
/// Monitoring components over the real Core services on in-memory projects and a <see cref="FakeEngine"/>: the test
/// puts containers and writes stats and log lines, the tracker runs as in the app, and the test waits for the
/// component to show what arrived. Sign in first (<c>this.SignIn(...)</c>), then <see cref="StartAsync"/>.
/// </summary>
public abstract class MonitoringUiTest : GoForgeTestContext
{
    protected MonitoringUiTest(TimeProvider? time = null)
    {
        Store = Services.AddInMemoryProjects();
        if (time is not null)
        {
            Services.AddSingleton(time);
        }

        Engine = Services.AddFakeMonitoring();
        Ada = Store.AddUser("ada");
    }

    protected InMemoryProjectStore Store { get; }

    protected FakeEngine Engine { get; }

    /// <summary>The project's maintainer, who creates it.</summary>
    protected User Ada { get; }

    protected Actor Owner => Actor.From(Ada);

    protected ContainerStatsHub Hub => Services.GetRequiredService<ContainerStatsHub>();

    protected ContainerStateTracker Tracker => Services.GetRequiredService<ContainerStateTracker>();

    protected TimeProvider Time => Services.GetRequiredService<TimeProvider>();

    /// <summary>Creates Ada's project with an application "api" and starts the tracker, as the app's hosted service does.</summary>
    protected async Task<Application> StartAsync()
    {
        var (_, production) = await Services.CreateProjectAsync(Owner, "Shop");
        var app = await Services.CreateApplicationAsync(Owner, production.Id, "api");
        await Tracker.StartAsync(CancellationToken.None);
        await Tracker.FirstSync.WaitAsync(WaitTimeout);
        return app;
    }

    /// <summary>Puts the container as the engine has it and waits until the tracker knows it so.</summary>
    protected async Task<ContainerSnapshot> PutAsync(ContainerSnapshot container, string action = "start")
    {
        Engine.Put(container, action);
        await Wait.UntilAsync(() => Task.FromResult(Tracker.Find(container.Id) == container), $"the tracker to see {container.Id} {container.State}", WaitTimeout);
        return container;
    }

    /// <summary>A running container of <paramref name="app"/>, started <paramref name="upFor"/> ago.</summary>
    protected ContainerSnapshot Running(Application app, string id, TimeSpan? upFor = null) =>
        FakeEngine.Running(app.Id, id, $"shop-api-{id}", Time.GetUtcNow() - (upFor ?? TimeSpan.FromMinutes(1)));

    /// <summary>What the tab holds on to now: stats subscriptions, state subscriptions, open log readers.</summary>
    protected (int Stats, int States, int LogReaders) Held() => (Hub.SubscriberCount, Tracker.SubscriberCount, Engine.LogReadersOpen);

    protected Task WaitUntilAsync(Func<bool> condition, string what) => Wait.UntilAsync(() => Task.FromResult(condition()), what, WaitTimeout);
}
