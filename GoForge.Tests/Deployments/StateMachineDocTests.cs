using GoForge.Core.Deployments;
using GoForge.Tests.Support;

namespace GoForge.Tests.Deployments;

/// <summary>docs/deployments/state-machine.md is generated from the code; this fails when it is stale.</summary>
public sealed class StateMachineDocTests
{
    private const string Header = """
        # Deployment state machine

        Generated from `GoForge.Core/Deployments/DeploymentStateMachine.cs` by `StateMachineDocTests`; do not edit by
        hand. To refresh it: `GOFORGE_UPDATE_DOCS=1 dotnet test --filter StateMachineDocTests`.
        Guards: cancel needs a user who may deploy; rollback needs that and an earlier successful deployment.
        Time-outs and restarts end in `Failed` through the `Fail` trigger, with the reason recorded.
        Kinds: a `build` deployment takes `Start` (clone, build) or, for a rollback or a recovery, `StartFromImage`; in
        Cloning, `ReuseImage` skips the clone and the build when an image with the same build fingerprint is still on
        the engine. A `restart` deployment ("Apply") takes `StartRestart`: the running deployment's image, recreated
        with the current settings through the same start-first, health-gated, drained deploy step
        (docs/deployments/apply-and-stop.md).

        """;

    [Fact]
    public void The_state_machine_doc_matches_the_code()
    {
        var expected = Header + "```mermaid\n" + DeploymentStateMachine.ToMermaid().Trim() + "\n```\n";
        var path = RepositoryFiles.PathOf("docs", "deployments", "state-machine.md");
        if (Environment.GetEnvironmentVariable("GOFORGE_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run with GOFORGE_UPDATE_DOCS=1 to write it.");
        Assert.Equal(expected, File.ReadAllText(path).ReplaceLineEndings("\n"));
    }
}
