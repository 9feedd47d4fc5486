namespace FedBioMed.Federation.Internal;

/// <summary>Which training samples each DP-SGD step uses; every decision comes from <see cref="SecureSampling"/>.</summary>
internal abstract class PrivateBatches
{
    /// <summary>The indices of the next step's batch (possibly none, under Poisson sampling).</summary>
    public abstract long[] Next();

    public static PrivateBatches Create(BatchSampling sampling, SecureSampling random, int count, int batchSize) => sampling switch
    {
        BatchSampling.Poisson => new Poisson(random, count, (double)batchSize / count),
        BatchSampling.Fixed => new Shuffled(random, count, batchSize),
        _ => throw new ArgumentOutOfRangeException(nameof(sampling), sampling, "Unknown batch sampling"),
    };

    /// <summary>Each sample independently with probability q.</summary>
    private sealed class Poisson(SecureSampling random, int count, double rate) : PrivateBatches
    {
        private readonly ulong _threshold = SecureSampling.Threshold(rate);
        private readonly List<long> _members = new((int)Math.Min(count, 4 * rate * count + 16));

        public override long[] Next()
        {
            _members.Clear();
            for (int i = 0; i < count; i++)
            {
                // One draw per sample whatever the outcome, so the time taken does not depend on who is chosen.
                if (random.NextUInt64() < _threshold | _threshold == ulong.MaxValue)
                {
                    _members.Add(i);
                }
            }
            return [.. _members];
        }
    }

    /// <summary>Consecutive batches of a secret shuffle; a new shuffle once fewer than a batch remain.</summary>
    private sealed class Shuffled(SecureSampling random, int count, int batchSize) : PrivateBatches
    {
        private readonly long[] _order = [.. Enumerable.Range(0, count).Select(i => (long)i)];
        private int _position = count;

        public override long[] Next()
        {
            if (_position + batchSize > _order.Length)
            {
                random.Shuffle(_order.AsSpan());
                _position = 0;
            }
            var batch = _order.AsSpan(_position, batchSize).ToArray();
            _position += batchSize;
            return batch;
        }
    }
}
