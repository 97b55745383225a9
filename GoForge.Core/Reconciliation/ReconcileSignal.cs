using GoForge.Core.Common.Work;

namespace GoForge.Core.Reconciliation;

/// <summary>Wakes the reconciler before its interval: the engine's connection came back.</summary>
public sealed class ReconcileSignal : WorkSignal;
