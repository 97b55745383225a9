namespace GoForge.Infrastructure.Persistence;

/// <summary>The PostgreSQL connection string (<c>ConnectionStrings:GoForge</c>), checked once at start.</summary>
public sealed record DatabaseConnectionString(string Value)
{
    public const string Name = "GoForge";

    public override string ToString() => "ConnectionStrings:GoForge";
}
