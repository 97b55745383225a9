using GoForge.Core.Deployments;

namespace GoForge.Tests.Deployments;

public sealed class DeploymentStateMachineTests
{
    private static readonly TransitionRequest Allowed = new("test", Guid.NewGuid(), ActorMayDeploy: true, RollbackTargetExists: true);

    /// <summary>Every allowed transition (with every guard satisfied); everything else is forbidden.</summary>
    private static readonly Dictionary<(DeploymentState, DeploymentTrigger), DeploymentState> Permitted = new()
    {
        [(DeploymentState.Pending, DeploymentTrigger.Start)] = DeploymentState.Cloning,
        [(DeploymentState.Pending, DeploymentTrigger.StartFromImage)] = DeploymentState.Deploying,
        [(DeploymentState.Pending, DeploymentTrigger.StartRestart)] = DeploymentState.Deploying,
        [(DeploymentState.Pending, DeploymentTrigger.Cancel)] = DeploymentState.Canceled,
        [(DeploymentState.Pending, DeploymentTrigger.Supersede)] = DeploymentState.Superseded,
        [(DeploymentState.Cloning, DeploymentTrigger.CloneSucceeded)] = DeploymentState.Building,
        [(DeploymentState.Cloning, DeploymentTrigger.ReuseImage)] = DeploymentState.Deploying,
        [(DeploymentState.Cloning, DeploymentTrigger.Fail)] = DeploymentState.Failed,
        [(DeploymentState.Cloning, DeploymentTrigger.Cancel)] = DeploymentState.Canceled,
        [(DeploymentState.Building, DeploymentTrigger.BuildSucceeded)] = DeploymentState.Deploying,
        [(DeploymentState.Building, DeploymentTrigger.Fail)] = DeploymentState.Failed,
        [(DeploymentState.Building, DeploymentTrigger.Cancel)] = DeploymentState.Canceled,
        [(DeploymentState.Deploying, DeploymentTrigger.BecameHealthy)] = DeploymentState.Running,
        [(DeploymentState.Deploying, DeploymentTrigger.Fail)] = DeploymentState.Failed,
        [(DeploymentState.Running, DeploymentTrigger.RollBack)] = DeploymentState.RolledBack,
        [(DeploymentState.Running, DeploymentTrigger.Supersede)] = DeploymentState.Superseded,
        [(DeploymentState.Pending, DeploymentTrigger.StartPull)] = DeploymentState.Pulling,
        [(DeploymentState.Pulling, DeploymentTrigger.PullSucceeded)] = DeploymentState.Deploying,
        [(DeploymentState.Pulling, DeploymentTrigger.DigestUnchanged)] = DeploymentState.Unchanged,
        [(DeploymentState.Pulling, DeploymentTrigger.Fail)] = DeploymentState.Failed,
        [(DeploymentState.Pulling, DeploymentTrigger.Cancel)] = DeploymentState.Canceled,
    };

    public static TheoryData<DeploymentState, DeploymentTrigger> EveryPair()
    {
        var data = new TheoryData<DeploymentState, DeploymentTrigger>();
        foreach (var state in Enum.GetValues<DeploymentState>())
        {
            foreach (var trigger in Enum.GetValues<DeploymentTrigger>())
            {
                data.Add(state, trigger);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public async Task Each_state_and_trigger_is_either_the_designed_transition_or_refused(DeploymentState from, DeploymentTrigger trigger)
    {
        var state = from;
        var machine = new DeploymentStateMachine(() => state, s => state = s);

        if (Permitted.TryGetValue((from, trigger), out var to))
        {
            Assert.True(machine.CanFire(trigger, Allowed));
            await machine.FireAsync(trigger, Allowed);
            Assert.Equal(to, state);
        }
        else
        {
            Assert.False(machine.CanFire(trigger, Allowed));
            await Assert.ThrowsAsync<InvalidOperationException>(() => machine.FireAsync(trigger, Allowed));
            Assert.Equal(from, state);
        }
    }

    [Theory]
    [InlineData(DeploymentState.Pending)]
    [InlineData(DeploymentState.Cloning)]
    [InlineData(DeploymentState.Building)]
    [InlineData(DeploymentState.Pulling)]
    public void Cancel_needs_an_actor_who_may_deploy(DeploymentState from)
    {
        var state = from;
        var machine = new DeploymentStateMachine(() => state, s => state = s);

        Assert.False(machine.CanFire(DeploymentTrigger.Cancel, new TransitionRequest("viewer tries", Guid.NewGuid(), ActorMayDeploy: false)));
        Assert.True(machine.CanFire(DeploymentTrigger.Cancel, new TransitionRequest("deployer", Guid.NewGuid(), ActorMayDeploy: true)));
    }

    [Fact]
    public void Rollback_needs_both_the_right_and_a_target()
    {
        var state = DeploymentState.Running;
        var machine = new DeploymentStateMachine(() => state, s => state = s);

        Assert.False(machine.CanFire(DeploymentTrigger.RollBack, new TransitionRequest(null, Guid.NewGuid(), ActorMayDeploy: true, RollbackTargetExists: false)));
        Assert.False(machine.CanFire(DeploymentTrigger.RollBack, new TransitionRequest(null, Guid.NewGuid(), ActorMayDeploy: false, RollbackTargetExists: true)));
        Assert.True(machine.CanFire(DeploymentTrigger.RollBack, new TransitionRequest(null, Guid.NewGuid(), ActorMayDeploy: true, RollbackTargetExists: true)));
    }

    [Fact]
    public async Task A_transition_is_persisted_before_FireAsync_returns_and_a_failed_write_fails_the_fire()
    {
        var state = DeploymentState.Pending;
        var recorded = new List<(DeploymentState From, DeploymentState To, string? Reason)>();
        var machine = new DeploymentStateMachine(() => state, s => state = s, async (from, to, request) =>
        {
            await Task.Yield();
            recorded.Add((from, to, request.Reason));
        });

        await machine.FireAsync(DeploymentTrigger.Start, TransitionRequest.System("picked up"));

        Assert.Equal([(DeploymentState.Pending, DeploymentState.Cloning, "picked up")], recorded);

        var failing = new DeploymentStateMachine(() => state, s => state = s, (_, _, _) => throw new InvalidOperationException("database said no"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.FireAsync(DeploymentTrigger.CloneSucceeded, TransitionRequest.System()));
    }

    [Fact]
    public async Task Finished_states_accept_no_trigger()
    {
        foreach (var finished in new[] { DeploymentState.Failed, DeploymentState.Canceled, DeploymentState.RolledBack, DeploymentState.Superseded, DeploymentState.Unchanged })
        {
            var state = finished;
            var machine = new DeploymentStateMachine(() => state, s => state = s);
            foreach (var trigger in Enum.GetValues<DeploymentTrigger>())
            {
                Assert.False(machine.CanFire(trigger, Allowed), $"{finished} accepted {trigger}");
            }

            await Task.CompletedTask;
        }
    }
}
