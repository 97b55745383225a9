using GoForge.Core.Containers;
using GoForge.Core.Services;

namespace GoForge.Web.Components.Pages.Services;

/// <summary>
/// Hands an image pull's steps (reported on the engine's threads) to a component: adds each to the tally under the
/// component's lock, then asks for a render (a throttled one: a pull reports many steps a second).
/// </summary>
public sealed class PullProgressRelay(ImagePullTally tally, Lock gate, Action changed) : IProgress<ImagePullProgress>
{
    public void Report(ImagePullProgress value)
    {
        lock (gate)
        {
            tally.Apply(value);
        }

        changed();
    }
}
