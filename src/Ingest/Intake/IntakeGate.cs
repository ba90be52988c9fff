using Microsoft.Extensions.Options;
using ReformMetrics.Ingest.Limits;

namespace ReformMetrics.Ingest.Intake;

/// <summary>
/// How many <c>POST /api/events</c> bodies the process holds at once (<see cref="IntakeOptions.MaxConcurrentBodies"/>):
/// each may be up to 64 MB in memory while loads run one at a time, so without a bound N concurrent senders would hold
/// N bodies.
/// </summary>
public sealed class IntakeGate(IOptions<IntakeOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _places = new(options.Value.MaxConcurrentBodies, options.Value.MaxConcurrentBodies);

    /// <summary>A place, to dispose when the body is loaded; null when none came free within the configured wait.</summary>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancellationToken) =>
        await _places.WaitAsync(TimeSpan.FromSeconds(options.Value.BodyWaitSeconds), cancellationToken).ConfigureAwait(false) ? new Place(_places) : null;

    public void Dispose() => _places.Dispose();

    private sealed class Place(SemaphoreSlim places) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                places.Release();
            }
        }
    }
}
