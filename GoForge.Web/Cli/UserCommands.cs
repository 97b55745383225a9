using System.CommandLine;
using GoForge.Core.Identity;
using GoForge.Core.Identity.ApiTokens;

namespace GoForge.Web.Cli;

/// <summary><c>user create | reset-password | list | token | reset-2fa</c>: accounts through <see cref="UserAdministration"/>, as the operator.</summary>
internal static class UserCommands
{
    public static Command Build(CliConsole console)
    {
        var user = new Command("user", "Create accounts, reset passwords, list users (local: talks to the database).");
        user.Subcommands.Add(Create(console));
        user.Subcommands.Add(ResetPassword(console));
        user.Subcommands.Add(List(console));
        user.Subcommands.Add(Token(console));
        user.Subcommands.Add(TwoFactorCommands.ResetTwoFactor(console));
        return user;
    }

    private static Command Create(CliConsole console)
    {
        var login = new Option<string>("--login", "--email") { Description = "The login to sign in with (letters a-z, digits, '.', '_', '-').", Required = true };
        var name = new Option<string>("--name") { Description = "The display name.", Required = true };
        var admin = new Option<bool>("--admin") { Description = "Make the user an administrator." };
        var stdin = PasswordStdinOption();
        var command = new Command("create", "Create a user. Without --password-stdin a password is generated and printed once.") { login, name, admin, stdin };
        command.SetAction((parse, ct) => CliRun.LocalAsync(console, needsCurrentSchema: true, async host =>
        {
            var password = ReadPassword(console, parse.GetValue(stdin), out var generated);
            if (password is null)
            {
                return ExitCodes.Usage;
            }

            var role = parse.GetValue(admin) ? UserRole.Admin : UserRole.Member;
            var created = await host.Get<UserAdministration>().CreateAsync(Actor.Operator, new NewUserInput(parse.GetValue(login), parse.GetValue(name), password, role), ct);
            if (!created.IsSuccess)
            {
                return CliRun.Report(console, created.Error!);
            }

            console.Out.WriteLine($"Created {created.Value!.Role.ToString().ToLowerInvariant()} '{created.Value.Login}' ({created.Value.Id}).");
            if (generated)
            {
                console.Out.WriteLine($"Password (shown only now): {password}");
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command ResetPassword(CliConsole console)
    {
        var login = new Argument<string>("login") { Description = "The user's login." };
        var stdin = PasswordStdinOption();
        var command = new Command("reset-password", "Set a new password, end every session of the user and revoke all their API tokens.") { login, stdin };
        command.SetAction((parse, ct) => CliRun.LocalAsync(console, needsCurrentSchema: true, async host =>
        {
            var users = host.Get<UserAdministration>();
            var found = await users.FindByLoginAsync(Actor.Operator, parse.GetValue(login), ct);
            if (!found.IsSuccess)
            {
                return CliRun.Report(console, found.Error!);
            }

            var password = ReadPassword(console, parse.GetValue(stdin), out var generated);
            if (password is null)
            {
                return ExitCodes.Usage;
            }

            var reset = await users.ResetPasswordAsync(Actor.Operator, found.Value!.Id, password, ct);
            if (!reset.IsSuccess)
            {
                return CliRun.Report(console, reset.Error!);
            }

            console.Out.WriteLine($"New password set for '{found.Value.Login}'; their sessions have ended.");
            if (generated)
            {
                console.Out.WriteLine($"Password (shown only now): {password}");
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command List(CliConsole console)
    {
        var command = new Command("list", "List every user: login, role, state, display name.");
        command.SetAction((parse, ct) => CliRun.LocalAsync(console, needsCurrentSchema: true, async host =>
        {
            var listed = await host.Get<UserAdministration>().ListAsync(Actor.Operator, ct);
            if (!listed.IsSuccess)
            {
                return CliRun.Report(console, listed.Error!);
            }

            var rows = listed.Value!.Select(u => (IReadOnlyList<string>)
                [u.Login, u.Role.ToString().ToLowerInvariant(), u.IsDisabled ? "disabled" : "active", u.DisplayName]);
            TextTable.Write(console.Out, ["LOGIN", "ROLE", "STATE", "NAME"], rows);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>
    /// An API token for a user, made by the operator on the server: how an install is automated before anyone has
    /// signed in (provisioning scripts, the production-stack test). The same rules as the profile page apply, checked
    /// by <see cref="ApiTokenService"/> as that user: scopes within the user's role, the limit of active tokens.
    /// </summary>
    private static Command Token(CliConsole console)
    {
        var login = new Argument<string>("login") { Description = "The user's login." };
        var name = new Option<string>("--name") { Description = "The token's name, shown on the user's profile.", Required = true };
        var scopes = new Option<string[]>("--scope") { Description = "A scope: read, deploy, write, secrets or admin (repeat the option for several).", Required = true, AllowMultipleArgumentsPerToken = true };
        var days = new Option<int?>("--expires-in-days") { Description = "Days until the token stops working (default: no expiry)." };
        var command = new Command("token", "Create an API token for a user and print it once.") { login, name, scopes, days };
        command.SetAction((parse, ct) => CliRun.LocalAsync(console, needsCurrentSchema: true, async host =>
        {
            if (!ApiScopes.TryParse(parse.GetValue(scopes) ?? [], out var scope))
            {
                console.Fail($"--scope must be among: {string.Join(", ", ApiScopes.All.Select(s => s.Name()))}.");
                return ExitCodes.Usage;
            }

            var found = await host.Get<UserAdministration>().FindByLoginAsync(Actor.Operator, parse.GetValue(login), ct);
            if (!found.IsSuccess)
            {
                return CliRun.Report(console, found.Error!);
            }

            var expires = parse.GetValue(days) is { } d ? host.Get<TimeProvider>().GetUtcNow().AddDays(d) : (DateTimeOffset?)null;
            var input = new ApiTokenInput { Name = parse.GetValue(name), Scopes = scope, ExpiresAt = expires };
            var created = await host.Get<ApiTokenService>().CreateAsync(Actor.From(found.Value!), input, ct);
            if (!created.IsSuccess)
            {
                return CliRun.Report(console, created.Error!);
            }

            console.Out.WriteLine(created.Value!.Secret);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Option<bool> PasswordStdinOption() =>
        new("--password-stdin") { Description = "Read the password from the first line of standard input instead of generating one." };

    /// <summary>The first line of standard input, or a generated password; null (after a message) when stdin is empty.</summary>
    private static string? ReadPassword(CliConsole console, bool fromStdin, out bool generated)
    {
        generated = !fromStdin;
        if (!fromStdin)
        {
            return PasswordGenerator.Generate();
        }

        var line = console.In.ReadLine();
        if (line is null)
        {
            console.Fail("--password-stdin was given but standard input is empty.");
        }

        return line;
    }
}
