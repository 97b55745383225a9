using GoForge.Core.Auditing;
using GoForge.Core.Common;
using GoForge.Core.Identity;

namespace GoForge.Core.Projects;

public enum VariableChange
{
    Added,
    Changed,
    Unchanged,
}

/// <summary>One line of a bulk-paste preview. Secret values are never part of it.</summary>
public sealed record VariablePreviewLine(string Key, VariableChange Change, string? NewValue, bool IsSecret);

public sealed record VariablePreview(IReadOnlyList<VariablePreviewLine> Lines, IReadOnlyList<string> Errors)
{
    public bool CanApply => Errors.Count == 0 && Lines.Any(l => l.Change != VariableChange.Unchanged);
}

/// <summary>
/// Environment variables of an application. Everyone in the project sees keys and non-secret values;
/// only maintainers change variables or reveal secrets, and each reveal is audited.
/// </summary>
public sealed class VariableService(
    IEnvironmentVariableRepository variables,
    ApplicationService applications,
    IAuditLog audit,
    TimeProvider time)
{
    public async Task<Result<IReadOnlyList<MaskedVariable>>> ListAsync(Actor actor, Guid applicationId, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.View, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var list = await variables.ListAsync(applicationId, ct);
        return Result<IReadOnlyList<MaskedVariable>>.Ok(list.OrderBy(v => v.Key, StringComparer.Ordinal).Select(Mask).ToList());
    }

    public async Task<Result<string>> RevealAsync(Actor actor, Guid variableId, CancellationToken ct = default)
    {
        var variable = await variables.GetAsync(variableId, ct);
        if (variable is null)
        {
            return ProjectAccess.NotFound("variable");
        }

        var app = await applications.FindAsync(actor, variable.ApplicationId, ProjectAction.RevealSecrets, ct);
        if (!app.IsSuccess)
        {
            return app.Error.Kind == ErrorKind.NotFound ? ProjectAccess.NotFound("variable") : app.Error;
        }

        if (variable.IsSecret)
        {
            await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.SecretRevealed, $"application:{app.Value.Slug}", variable.Key, ct);
        }

        return variable.Value;
    }

    /// <summary>Adds or updates one variable by key.</summary>
    public Task<Result> SetAsync(Actor actor, Guid applicationId, VariableInput input, CancellationToken ct = default) =>
        SetManyAsync(actor, applicationId, [input], ct);

    /// <summary>Adds or updates variables by key, all or nothing.</summary>
    public async Task<Result> SetManyAsync(Actor actor, Guid applicationId, IReadOnlyList<VariableInput> inputs, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var errors = new FieldErrors();
        var compose = app.Value.Source == ApplicationSourceKind.Compose;
        var services = new List<IReadOnlyList<string>?>(inputs.Count);
        foreach (var input in inputs)
        {
            ProjectInputRules.ValidateVariableKey(input.Key, errors);
            ProjectInputRules.ValidateVariableValue(input.Value, errors);
            services.Add(input.Services is null ? null : ComposeSourceRules.ValidateVariableServices(input.Services, compose, errors) ?? []);
        }

        var existing = await variables.ListAsync(applicationId, ct);
        var keys = existing.Select(v => v.Key).Concat(inputs.Select(i => i.Key ?? string.Empty)).Distinct(StringComparer.Ordinal).Count();
        if (keys > ProjectInputRules.MaxVariablesPerApplication)
        {
            errors.Add("Key", $"An application has at most {ProjectInputRules.MaxVariablesPerApplication} variables.");
        }

        if (!errors.IsEmpty)
        {
            return errors.ToError();
        }

        // A null value keeps the stored one, so flags of a secret can change without revealing it first; null services
        // keep the stored choice too, so a paste or a value change never widens a variable limited to some services.
        var stored = existing.ToDictionary(v => v.Key, StringComparer.Ordinal);
        var resolved = inputs.Select((i, n) => i with
        {
            Value = i.Value ?? stored.GetValueOrDefault(i.Key!)?.Value ?? string.Empty,
            Services = (services[n] ?? stored.GetValueOrDefault(i.Key!)?.Services) is { Count: > 0 } only ? only : null,
        }).ToList();
        await variables.UpsertAsync(applicationId, resolved, time.GetUtcNow(), ct);
        await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.VariablesSet, $"application:{app.Value.Slug}", string.Join(", ", inputs.Select(i => i.Key)), ct);
        return Result.Success;
    }

    public async Task<Result> DeleteAsync(Actor actor, Guid variableId, CancellationToken ct = default)
    {
        var variable = await variables.GetAsync(variableId, ct);
        if (variable is null)
        {
            return ProjectAccess.NotFound("variable");
        }

        var app = await applications.FindAsync(actor, variable.ApplicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error.Kind == ErrorKind.NotFound ? ProjectAccess.NotFound("variable") : app.Error;
        }

        await variables.DeleteAsync(variableId, ct);
        await audit.RecordAsync(time, actor, app.Value.ProjectId, AuditActions.VariableDeleted, $"application:{app.Value.Slug}", variable.Key, ct);
        return Result.Success;
    }

    /// <summary>What pasting this .env text would do: added, changed and unchanged keys, and every line that cannot be read.</summary>
    public async Task<Result<VariablePreview>> PreviewPasteAsync(Actor actor, Guid applicationId, string? text, bool asSecrets, CancellationToken ct = default)
    {
        var app = await applications.FindAsync(actor, applicationId, ProjectAction.Manage, ct);
        if (!app.IsSuccess)
        {
            return app.Error;
        }

        var parsed = DotEnvParser.Parse(text);
        var errors = parsed.Errors.ToList();
        var current = (await variables.ListAsync(applicationId, ct)).ToDictionary(v => v.Key, StringComparer.Ordinal);
        var lines = new List<VariablePreviewLine>();
        foreach (var entry in parsed.Entries)
        {
            var fieldErrors = new FieldErrors();
            ProjectInputRules.ValidateVariableKey(entry.Key, fieldErrors);
            ProjectInputRules.ValidateVariableValue(entry.Value, fieldErrors);
            if (!fieldErrors.IsEmpty)
            {
                errors.Add($"Line {entry.Line}: {fieldErrors.ToError().Message}");
                continue;
            }

            var secret = asSecrets || (current.TryGetValue(entry.Key, out var old) && old.IsSecret);
            var change = !current.TryGetValue(entry.Key, out var existing) ? VariableChange.Added
                : existing.Value == entry.Value ? VariableChange.Unchanged
                : VariableChange.Changed;
            lines.Add(new VariablePreviewLine(entry.Key, change, secret ? null : entry.Value, secret));
        }

        return new VariablePreview(lines, errors);
    }

    /// <summary>Applies pasted .env text: all lines or none (any unreadable line stops it).</summary>
    public async Task<Result<VariablePreview>> ApplyPasteAsync(Actor actor, Guid applicationId, string? text, bool asSecrets, CancellationToken ct = default)
    {
        var preview = await PreviewPasteAsync(actor, applicationId, text, asSecrets, ct);
        if (!preview.IsSuccess)
        {
            return preview.Error;
        }

        if (preview.Value.Errors.Count > 0)
        {
            return Error.Validation("Paste", string.Join(" ", preview.Value.Errors));
        }

        var current = (await variables.ListAsync(applicationId, ct)).ToDictionary(v => v.Key, StringComparer.Ordinal);
        var inputs = DotEnvParser.Parse(text).Entries
            .Where(e => preview.Value.Lines.Any(l => l.Key == e.Key && l.Change != VariableChange.Unchanged))
            .Select(e => new VariableInput(e.Key, e.Value,
                asSecrets || (current.TryGetValue(e.Key, out var old) && old.IsSecret),
                current.TryGetValue(e.Key, out var was) && was.IsBuildTime))
            .ToList();
        if (inputs.Count > 0)
        {
            var saved = await SetManyAsync(actor, applicationId, inputs, ct);
            if (!saved.IsSuccess)
            {
                return saved.Error!;
            }
        }

        return preview.Value;
    }

    private static MaskedVariable Mask(EnvironmentVariable v) =>
        new(v.Id, v.Key, v.IsSecret ? null : v.Value, v.IsSecret, v.IsBuildTime, v.UpdatedAt) { Services = v.Services };
}
