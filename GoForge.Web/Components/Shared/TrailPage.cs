using GoForge.Core.Common;
using GoForge.Core.Identity;
using GoForge.Core.Projects;
using GoForge.Web.Auth;
using GoForge.Web.Components.Pages.Applications;
using Microsoft.AspNetCore.Components;

namespace GoForge.Web.Components.Shared;

/// <summary>
/// The prelude of a page that shows one thing of a project: when its route id changes (never again for the same
/// one) it forgets what it showed, takes the signed-in actor, runs the page's <see cref="LoadAsync"/> (which reads
/// the thing and, through <see cref="LoadTrailAsync"/>, the project and environment above it) and keeps the first
/// refusal in <see cref="LoadError"/> for the markup's <c>PageError</c>. Pushed refreshes come from <see cref="LiveComponent"/>.
/// </summary>
public abstract class TrailPage : LiveComponent
{
    private Guid? _loadedKey;

    [Inject]
    public required CurrentUser CurrentUser { get; init; }

    [Inject]
    public required EnvironmentService Environments { get; init; }

    [Inject]
    public required ProjectService Projects { get; init; }

    [Inject]
    public required ProjectAccess Access { get; init; }

    /// <summary>The signed-in actor, once the prelude has run.</summary>
    protected Actor? Actor { get; private set; }

    /// <summary>The project and environment above the page, with the viewer's role; null until loaded (or when refused).</summary>
    protected ProjectTrail? Trail { get; private set; }

    /// <summary>Why the page cannot be shown (not found, forbidden); null while loading and when it can.</summary>
    protected Error? LoadError { get; set; }

    /// <summary>The route id the page shows; the prelude runs again only when it changes.</summary>
    protected abstract Guid PageKey { get; }

    /// <summary>Reads what the page shows; an error ends the prelude and is shown instead of the page.</summary>
    protected abstract Task<Result> LoadAsync(Actor actor);

    /// <summary>Loads <see cref="Trail"/> for the environment the page's thing belongs to.</summary>
    protected async Task<Result> LoadTrailAsync(Guid environmentId)
    {
        var trail = await ProjectTrail.LoadAsync(Actor!, environmentId, Environments, Projects, Access);
        Trail = trail.Value;
        return trail.IsSuccess ? Result.Success : trail.Error!;
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedKey == PageKey)
        {
            return;
        }

        _loadedKey = PageKey;
        Watch(null);
        (Trail, LoadError) = (null, null);
        Actor = await CurrentUser.GetActorAsync();
        LoadError = (await LoadAsync(Actor)).Error;
    }
}
