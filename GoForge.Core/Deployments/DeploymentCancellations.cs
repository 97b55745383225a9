using GoForge.Core.Common.Work;

namespace GoForge.Core.Deployments;

/// <summary>The running deployments' cancellation sources, so a user's cancel stops a clone or build within seconds.</summary>
public sealed class DeploymentCancellations : RunningWork;
