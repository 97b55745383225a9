using System.CommandLine;
using GoForge.Core.Identity;
using GoForge.Core.Secrets;
using GoForge.Infrastructure.Crypto;

namespace GoForge.Web.Cli;

/// <summary><c>keys generate | rotate</c>: the master key that encrypts stored secrets (docs/decisions/secrets.md).</summary>
internal static class KeysCommands
{
    public static Command Build(CliConsole console)
    {
        var keys = new Command("keys", "The secrets master key: make a new one, or re-encrypt every secret under a new one.");
        keys.Subcommands.Add(Generate(console));
        keys.Subcommands.Add(Rotate(console));
        return keys;
    }

    private static Command Generate(CliConsole console)
    {
        var command = new Command("generate", "Print a new master key (base64 of 32 random bytes) for GoForge:SecretKey; nothing is stored.");
        command.SetAction(_ =>
        {
            var key = SecretKeyGenerator.Generate();
            console.Out.WriteLine(key.Base64);
            console.Error.WriteLine($"Key id {key.KeyId}. Set it as GoForge:SecretKey (environment GoForge__SecretKey); to rotate onto it, move the old key to GoForge:RetiredSecretKeys first and run `keys rotate`.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rotate(CliConsole console)
    {
        var command = new Command(
            "rotate",
            "Re-encrypt every stored secret under a new key. With the key file, a new key is made there; with GoForge:SecretKey, the configured key is the target. Stop the panel first when it uses the key file.");
        command.SetAction((parse, ct) => CliRun.LocalAsync(console, needsCurrentSchema: true, async host =>
        {
            // The key must fit the data before anything is re-encrypted, exactly as the panel checks at start.
            await host.Get<SecretKeyCheck>().VerifyAsync(ct);
            var ring = host.Get<SecretKeyRing>();
            console.Error.WriteLine($"Rotating the keys from {ring.Source}; current key {ring.CurrentKeyId}.");
            var rotated = await host.Get<SecretAdministration>().RotateKeyAsync(Actor.Operator, ct);
            if (!rotated.IsSuccess)
            {
                return CliRun.Report(console, rotated.Error!);
            }

            var report = rotated.Value!;
            var retired = report.RetiredKeyIds.Count == 0 ? "none" : string.Join(", ", report.RetiredKeyIds);
            console.Out.WriteLine($"New key {report.NewKeyId}: {report.ValuesReencrypted} value(s) re-encrypted; retired key(s): {retired}.");
            if (ring.IsFromConfiguration && report.RetiredKeyIds.Count > 0)
            {
                console.Out.WriteLine("Every value is under the new key: the retired keys may now be removed from GoForge:RetiredSecretKeys.");
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
