using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace GoForge.Core.Identity.GitHub;

/// <summary>
/// The GitHub settings in effect: the ones saved on the Settings page when there are any, else configuration. Kept in
/// memory (one immutable snapshot) and replaced when they are saved, so the OAuth handler and the sign-in page never
/// wait on the database; <see cref="GetChangeToken"/> fires on every change so the handler's options are rebuilt.
/// </summary>
public sealed class GitHubSettingsProvider(IGitHubSettingsRepository repository, IOptions<GitHubOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile GitHubSettings? _current;
    private CancellationTokenSource _changed = new();

    /// <summary>The settings in effect, loaded on first use.</summary>
    public async Task<GitHubSettings> GetAsync(CancellationToken ct = default) => _current ?? await ReloadAsync(ct);

    /// <summary>
    /// The settings for synchronous callers (options set-up). The web host loads them at start, before it listens, so
    /// this normally reads memory; the blocking load is only the fallback for a caller that came first.
    /// </summary>
    public GitHubSettings Current => _current ?? ReloadAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Reads the settings again (after a save) and signals the change.</summary>
    public async Task<GitHubSettings> ReloadAsync(CancellationToken ct = default)
    {
        await _loading.WaitAsync(ct);
        try
        {
            var settings = await repository.GetAsync(ct) ?? options.Value.ToSettings();
            _current = settings;

            // Not disposed: a reader may still be turning the old source into a token; it holds no timer or handle.
            var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
            await previous.CancelAsync();
            return settings;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>Fires once, at the next change of the settings.</summary>
    public IChangeToken GetChangeToken() => new CancellationChangeToken(Volatile.Read(ref _changed).Token);

    public void Dispose()
    {
        _loading.Dispose();
        _changed.Dispose();
    }
}
