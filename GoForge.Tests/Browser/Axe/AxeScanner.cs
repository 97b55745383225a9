using System.Text.Json;
using GoForge.Tests.Support;
using Microsoft.Playwright;

namespace GoForge.Tests.Browser.Axe;

/// <summary>
/// axe-core (the npm package pinned in this folder's package.json) injected into a page, run against the WCAG 2.0,
/// 2.1 and 2.2 A/AA rules and axe's best practices, answering as readable lines the serious and critical violations
/// and any of the page-structure ones.
/// </summary>
internal static class AxeScanner
{
    // The WCAG 2.0/2.1/2.2 A and AA rules, failing on serious and critical findings; plus four structure rules of
    // axe's best practices failing at any impact (one <main>, everything in a landmark, an h1, no skipped levels).
    private const string RunAxe = """
        async (withStructure) => {
            const structure = withStructure ? ['landmark-one-main', 'region', 'page-has-heading-one', 'heading-order'] : [];
            const result = await axe.run(document, {
                runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
                resultTypes: ['violations'],
            });
            return JSON.stringify(result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical' || structure.includes(v.id))
                .map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + (n.failureSummary ?? '').replace(/\s+/g, ' ')) })));
        }
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly NpmFolder Packages = new(RepositoryFiles.PathOf("GoForge.Tests", "Browser", "Axe"), "axe-core");

    /// <summary>The axe script, installed with npm from the committed lock file when missing (a fresh machine).</summary>
    public static Task<string> ScriptPathAsync() => Packages.EnsureAsync(Path.Combine("axe-core", "axe.min.js"));

    /// <summary>Runs axe on the page as it is now; one line per failing violation, prefixed by <paramref name="where"/>.</summary>
    /// <param name="structure">
    /// False for a scan with a menu open: MudBlazor renders popovers in its provider at the end of the body, outside the
    /// landmarks, so the region rule would flag every open menu.
    /// </param>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page, string where, bool structure = true)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof axe !== 'undefined'"))
        {
            await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = await ScriptPathAsync() });
        }

        var json = await page.EvaluateAsync<string>(RunAxe, structure);
        var violations = JsonSerializer.Deserialize<List<Violation>>(json, Json) ?? [];
        return [.. violations.Select(v => $"{where}: {v.Id} ({v.Impact}) on {v.Nodes.Count} node(s):{Environment.NewLine}    {string.Join(Environment.NewLine + "    ", v.Nodes)}")];
    }

    private sealed record Violation(string Id, string Impact, IReadOnlyList<string> Nodes);
}
