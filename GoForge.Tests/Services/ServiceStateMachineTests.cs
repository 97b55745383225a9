using GoForge.Core.Services;
using GoForge.Tests.Support;

namespace GoForge.Tests.Services;

/// <summary>Every (state, trigger) pair of the service state machine: the allowed ones and where they lead, and every other one refused.</summary>
public sealed class ServiceStateMachineTests
{
    private static readonly Dictionary<(ServiceState, ServiceTrigger), ServiceState> Allowed = new()
    {
        [(ServiceState.Creating, ServiceTrigger.Pull)] = ServiceState.Pulling,
        [(ServiceState.Creating, ServiceTrigger.Fail)] = ServiceState.Failed,
        [(ServiceState.Creating, ServiceTrigger.Cancel)] = ServiceState.Failed,
        [(ServiceState.Pulling, ServiceTrigger.Pulled)] = ServiceState.Starting,
        [(ServiceState.Pulling, ServiceTrigger.Fail)] = ServiceState.Failed,
        [(ServiceState.Pulling, ServiceTrigger.Cancel)] = ServiceState.Failed,
        [(ServiceState.Starting, ServiceTrigger.Note)] = ServiceState.Starting,
        [(ServiceState.Starting, ServiceTrigger.BecameHealthy)] = ServiceState.Running,
        [(ServiceState.Starting, ServiceTrigger.Fail)] = ServiceState.Failed,
        [(ServiceState.Running, ServiceTrigger.Note)] = ServiceState.Running,
        [(ServiceState.Running, ServiceTrigger.Start)] = ServiceState.Starting,
        [(ServiceState.Running, ServiceTrigger.Pull)] = ServiceState.Pulling,
        [(ServiceState.Running, ServiceTrigger.Stop)] = ServiceState.Stopped,
        [(ServiceState.Running, ServiceTrigger.Fail)] = ServiceState.Failed,
        [(ServiceState.Stopped, ServiceTrigger.Stop)] = ServiceState.Stopped,
        [(ServiceState.Stopped, ServiceTrigger.Start)] = ServiceState.Starting,
        [(ServiceState.Stopped, ServiceTrigger.Pull)] = ServiceState.Pulling,
        [(ServiceState.Stopped, ServiceTrigger.Fail)] = ServiceState.Failed,
        [(ServiceState.Failed, ServiceTrigger.Fail)] = ServiceState.Failed,
        [(ServiceState.Failed, ServiceTrigger.Start)] = ServiceState.Starting,
        [(ServiceState.Failed, ServiceTrigger.Pull)] = ServiceState.Pulling,
        [(ServiceState.Failed, ServiceTrigger.Stop)] = ServiceState.Stopped,
    };

    public static TheoryData<ServiceState, ServiceTrigger> EveryPair()
    {
        var data = new TheoryData<ServiceState, ServiceTrigger>();
        foreach (var state in Enum.GetValues<ServiceState>())
        {
            foreach (var trigger in Enum.GetValues<ServiceTrigger>())
            {
                data.Add(state, trigger);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public async Task A_trigger_is_allowed_exactly_where_the_table_says_and_leads_where_it_says(ServiceState from, ServiceTrigger trigger)
    {
        var state = from;
        var persisted = new List<(ServiceState From, ServiceState To)>();
        var machine = new ServiceStateMachine(() => state, s => state = s, (f, t) =>
        {
            persisted.Add((f, t));
            return Task.CompletedTask;
        });

        Assert.Equal(Allowed.ContainsKey((from, trigger)), machine.CanFire(trigger));
        Assert.Equal(machine.CanFire(trigger), ServiceStates.Allows(from, trigger));
        if (Allowed.TryGetValue((from, trigger), out var to))
        {
            await machine.FireAsync(trigger);
            Assert.Equal(to, state);
            Assert.Equal([(from, to)], persisted);
        }
        else
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => machine.FireAsync(trigger));
            Assert.Equal(from, state);
            Assert.Empty(persisted);
        }
    }

    [Fact]
    public void Running_can_be_reached_only_through_a_health_check()
    {
        var into = Allowed.Where(a => a.Value == ServiceState.Running && a.Key.Item1 != ServiceState.Running).Select(a => a.Key).ToList();
        Assert.Equal([(ServiceState.Starting, ServiceTrigger.BecameHealthy)], into);
    }
}

/// <summary>docs/services/state-machine.md is generated from the code; this fails when it is stale.</summary>
public sealed class ServiceStateMachineDocTests
{
    private const string Header = """
        # Service state machine

        Generated from `GoForge.Core/Services/ServiceStateMachine.cs` by `ServiceStateMachineDocTests`; do not edit by
        hand. To refresh it: `GOFORGE_UPDATE_DOCS=1 dotnet test --filter ServiceStateMachineDocTests`.
        Every step of a service operation (docs/decisions/services.md#operations) is one of these transitions, recorded in
        `service_transitions`. Time-outs, engine refusals and restarts end in `Failed` through `Fail`, a user's cancel of a
        queued create or of a pull through `Cancel`, with the reason recorded. `Note` records a step within a state.

        """;

    [Fact]
    public void The_service_state_machine_doc_matches_the_code()
    {
        var expected = Header + "```mermaid\n" + ServiceStateMachine.ToMermaid().Trim() + "\n```\n";
        var path = RepositoryFiles.PathOf("docs", "services", "state-machine.md");
        if (Environment.GetEnvironmentVariable("GOFORGE_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run with GOFORGE_UPDATE_DOCS=1 to write it.");
        Assert.Equal(expected, File.ReadAllText(path).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_architecture_doc_shows_both_state_machines_as_the_code_has_them()
    {
        var architecture = File.ReadAllText(RepositoryFiles.PathOf("docs", "architecture.md")).ReplaceLineEndings("\n");

        Assert.Contains("```mermaid\n" + GoForge.Core.Deployments.DeploymentStateMachine.ToMermaid().Trim() + "\n```", architecture, StringComparison.Ordinal);
        Assert.Contains("```mermaid\n" + ServiceStateMachine.ToMermaid().Trim() + "\n```", architecture, StringComparison.Ordinal);
    }
}
