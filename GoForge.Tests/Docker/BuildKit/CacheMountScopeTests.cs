using GoForge.Core.Containers;
using GoForge.Infrastructure.Docker.BuildKit;

namespace GoForge.Tests.Docker.BuildKit;

/// <summary>How a Dockerfile's cache mounts are scoped to the application before the build (no engine needed).</summary>
public sealed class CacheMountScopeTests
{
    private const string Scope = "0a1b2c";

    [Fact]
    public void A_cache_mount_without_an_id_gets_one_made_of_the_scope_and_its_target()
    {
        var rewritten = CacheMountScope.Apply("FROM scratch\nRUN --mount=type=cache,target=/root/.npm npm ci\n", Scope);

        Assert.Equal("FROM scratch\nRUN --mount=type=cache,target=/root/.npm,id=goforge-0a1b2c-/root/.npm npm ci\n", rewritten);
    }

    [Fact]
    public void An_id_naming_another_apps_cache_is_kept_inside_this_apps_scope()
    {
        var rewritten = CacheMountScope.Apply("RUN --mount=type=cache,id=goforge-ffff-/root/.npm,target=/x true", Scope);

        Assert.Equal("RUN --mount=type=cache,target=/x,id=goforge-0a1b2c-goforge-ffff-/root/.npm true", rewritten);
    }

    [Fact]
    public void Mounts_on_continuation_lines_and_in_lower_case_run_are_scoped_and_other_mounts_left_alone()
    {
        const string Dockerfile = """
            FROM scratch
            run --network=none \
                --mount=type=secret,id=TOKEN \
                --mount=type=cache,target=/cache,sharing=locked \
                sh -c 'echo --mount=type=cache,target=/not-a-flag'
            ONBUILD RUN --mount=type=cache,target=/onbuild true
            """;

        var rewritten = CacheMountScope.Apply(Dockerfile, Scope);

        Assert.Contains("--mount=type=secret,id=TOKEN \\", rewritten, StringComparison.Ordinal);
        Assert.Contains("--mount=type=cache,target=/cache,sharing=locked,id=goforge-0a1b2c-/cache \\", rewritten, StringComparison.Ordinal);
        Assert.Contains("echo --mount=type=cache,target=/not-a-flag'", rewritten, StringComparison.Ordinal);
        Assert.Contains("ONBUILD RUN --mount=type=cache,target=/onbuild,id=goforge-0a1b2c-/onbuild true", rewritten, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_word_on_a_continued_line_of_another_instruction_is_not_an_instruction()
    {
        const string Dockerfile = "ENV A=1 \\\nRUN --mount=type=cache,target=/x\nRUN --mount=type=cache,target=/y true";

        var rewritten = CacheMountScope.Apply(Dockerfile, Scope);

        Assert.Contains("RUN --mount=type=cache,target=/x\n", rewritten, StringComparison.Ordinal);
        Assert.Contains("target=/y,id=goforge-0a1b2c-/y true", rewritten, StringComparison.Ordinal);
    }

    [Fact]
    public void The_backtick_escape_directive_is_honoured()
    {
        const string Dockerfile = "# escape=`\nFROM scratch\nRUN --network=none `\n  --mount=type=cache,target=C:/cache dir";

        Assert.Contains("--mount=type=cache,target=C:/cache,id=goforge-0a1b2c-C:/cache dir", CacheMountScope.Apply(Dockerfile, Scope), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RUN --mount=\"type=cache,target=/x\" true")]
    [InlineData("RUN --mount=type=cache,target='/x' true")]
    public void A_quoted_mount_is_refused_rather_than_sent_unscoped(string dockerfile)
    {
        var e = Assert.Throws<EngineException>(() => CacheMountScope.Apply(dockerfile, Scope));

        Assert.Contains("quoted mount", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a-b")]
    [InlineData("a,b")]
    [InlineData("../x")]
    public void A_scope_other_than_letters_and_digits_is_refused(string scope) =>
        Assert.Throws<ArgumentException>(() => CacheMountScope.Apply("FROM scratch", scope));
}
