using NetScope.Agent.Events;

namespace NetScope.Agent.Tests.Events;

public class SpscQueueTests
{
    [Fact]
    public void AnEmptyQueueHasNothingToTake()
    {
        var queue = new SpscQueue<long>(4);
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void StagedItemsAreInvisibleUntilPublished()
    {
        var queue = new SpscQueue<long>(4);
        Assert.True(queue.TryEnqueue(1));
        Assert.False(queue.TryDequeue(out _));
        queue.Publish();
        Assert.True(queue.TryDequeue(out long item));
        Assert.Equal(1, item);
    }

    [Fact]
    public void TheCapacityIsExactEvenWhenNotAPowerOfTwo()
    {
        var queue = new SpscQueue<long>(3);
        Assert.Equal(3, queue.Capacity);
        Assert.True(queue.TryEnqueue(1));
        Assert.True(queue.TryEnqueue(2));
        Assert.True(queue.TryEnqueue(3));
        Assert.False(queue.TryEnqueue(4)); // full, published or not
        queue.Publish();
        Assert.False(queue.TryEnqueue(4));

        Assert.True(queue.TryDequeue(out long first));
        Assert.Equal(1, first);
        Assert.True(queue.TryEnqueue(4)); // the freed slot is usable again
        Assert.False(queue.TryEnqueue(5));
    }

    [Fact]
    public void ItemsComeOutInOrderAcrossManyWrapArounds()
    {
        var queue = new SpscQueue<long>(5);
        long next = 0, expected = 0;
        for (int round = 0; round < 100; round++)
        {
            int batch = (round % 5) + 1;
            for (int i = 0; i < batch; i++)
            {
                Assert.True(queue.TryEnqueue(next++));
            }

            queue.Publish();
            while (queue.TryDequeue(out long item))
            {
                Assert.Equal(expected++, item);
            }
        }

        Assert.Equal(next, expected);
    }

    [Fact]
    public void ACapacityBelowOneIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpscQueue<long>(0));

    [Fact]
    public async Task WaitingCompletesAtOnceWhenItemsArePublished()
    {
        var queue = new SpscQueue<long>(4);
        queue.TryEnqueue(7);
        queue.Publish();
        ValueTask<bool> wait = queue.WaitToReadAsync();
        Assert.True(wait.IsCompletedSuccessfully);
        Assert.True(await wait);
    }

    [Fact]
    public async Task APublishWakesAWaitingConsumer()
    {
        var queue = new SpscQueue<long>(4);
        ValueTask<bool> wait = queue.WaitToReadAsync();
        Assert.False(wait.IsCompleted);
        queue.TryEnqueue(7);
        Assert.False(wait.IsCompleted); // staged only
        queue.Publish();
        Assert.True(await wait);
        Assert.True(queue.TryDequeue(out long item));
        Assert.Equal(7, item);
    }

    [Fact]
    public async Task CompletingWakesTheConsumerWhichDrainsThenStops()
    {
        var queue = new SpscQueue<long>(4);
        ValueTask<bool> wait = queue.WaitToReadAsync();
        queue.TryEnqueue(1);
        queue.Complete(); // publishes what is staged
        Assert.True(await wait);
        Assert.True(queue.TryDequeue(out long item));
        Assert.Equal(1, item);
        Assert.False(await queue.WaitToReadAsync());
        Assert.False(await queue.WaitToReadAsync());
    }

    [Fact]
    public void TwoThreadsPassEveryItemOnceInOrderThroughASmallQueue()
    {
        const long Count = 200_000;
        var queue = new SpscQueue<long>(61);
        long received = 0;
        long outOfOrder = 0;
        var consumer = new Thread(() =>
        {
            var spin = new SpinWait();
            while (received < Count)
            {
                if (queue.TryDequeue(out long item))
                {
                    outOfOrder += item == received ? 0 : 1;
                    received++;
                }
                else
                {
                    spin.SpinOnce(sleep1Threshold: -1); // yield, never sleep a whole millisecond
                }
            }
        });
        consumer.Start();
        Produce(queue, Count);
        consumer.Join();

        Assert.Equal(Count, received);
        Assert.Equal(0, outOfOrder);
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public async Task AnAsyncConsumerSeesEveryItemOnceInOrderAndTheEnd()
    {
        const long Count = 50_000;
        var queue = new SpscQueue<long>(100);
        long received = 0;
        long outOfOrder = 0;
        Task consumer = Task.Run(async () =>
        {
            while (await queue.WaitToReadAsync())
            {
                while (queue.TryDequeue(out long item))
                {
                    outOfOrder += item == received ? 0 : 1;
                    received++;
                }
            }
        });
        var producer = new Thread(() =>
        {
            Produce(queue, Count);
            queue.Complete();
        });
        producer.Start();
        producer.Join();
        await consumer;

        Assert.Equal(Count, received);
        Assert.Equal(0, outOfOrder);
    }

    /// <summary>Enqueues 0..count-1 in batches of varying size, publishing each batch, retrying when full.</summary>
    private static void Produce(SpscQueue<long> queue, long count)
    {
        var spin = new SpinWait();
        long next = 0;
        int batch = 1;
        while (next < count)
        {
            int staged = 0;
            while (staged < batch && next < count && queue.TryEnqueue(next))
            {
                next++;
                staged++;
            }

            queue.Publish();
            if (staged == 0)
            {
                spin.SpinOnce(sleep1Threshold: -1); // yield, never sleep a whole millisecond
            }

            batch = (batch % 37) + 1;
        }
    }
}
