using System.CommandLine;
using GoForge.Core.Identity;
using GoForge.Core.Identity.TwoFactor;

namespace GoForge.Web.Cli;

/// <summary>
/// <c>user reset-2fa LOGIN</c>: turns off a user's two-factor sign-in as the operator, through
/// <see cref="TwoFactorAdministration"/> (audited). For the last administrator, who has no other administrator to ask.
/// </summary>
internal static class TwoFactorCommands
{
    public static Command ResetTwoFactor(CliConsole console)
    {
        var login = new Argument<string>("login") { Description = "The user's login." };
        var command = new Command("reset-2fa", "Turn off a user's two-factor sign-in (their authenticator and recovery codes stop working); they enrol again at the next sign-in if the policy requires it.") { login };
        command.SetAction((parse, ct) => CliRun.LocalAsync(console, needsCurrentSchema: true, async host =>
        {
            var found = await host.Get<UserAdministration>().FindByLoginAsync(Actor.Operator, parse.GetValue(login), ct);
            if (!found.IsSuccess)
            {
                return CliRun.Report(console, found.Error!);
            }

            var reset = await host.Get<TwoFactorAdministration>().ResetAsync(Actor.Operator, found.Value!.Id, ct);
            if (!reset.IsSuccess)
            {
                return CliRun.Report(console, reset.Error!);
            }

            console.Out.WriteLine($"Two-factor sign-in turned off for '{found.Value.Login}'.");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
