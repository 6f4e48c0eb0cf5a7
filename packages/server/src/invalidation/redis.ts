import type { Logger } from 'pino';
import { AcknowledgedBus } from './acknowledged.js';

/**
 * Nodes sharing Redis: one channel for announcements, one per node for its acknowledgements.
 * PUBLISH answers how many subscribers received the message, this node's own included, which
 * is how the publisher knows how many acknowledgements to wait for.
 */
export async function createRedisBus(
  url: string,
  prefix: string,
  logger: Logger,
): Promise<AcknowledgedBus> {
  const { Redis } = await import('ioredis');
  const bus = new AcknowledgedBus('redis', logger);
  const options = { lazyConnect: true, maxRetriesPerRequest: 1 } as const;
  const publisher = new Redis(url, options);
  const subscriber = new Redis(url, options);
  const channel = `${prefix}:invalidate`;
  const ackChannel = (node: string) => `${prefix}:invalidate-ack:${node}`;
  const own = ackChannel(bus.nodeId);
  try {
    await publisher.connect();
    await subscriber.connect();
    subscriber.on('message', (from: string, text: string) => {
      if (from === channel) bus.received(text);
      else if (from === own) bus.acknowledged(text);
    });
    await subscriber.subscribe(channel, own);
  } catch (error) {
    publisher.disconnect();
    subscriber.disconnect();
    throw error;
  }
  bus.attach({
    transport: 'redis',
    announce: async (text) => Math.max(0, (await publisher.publish(channel, text)) - 1),
    acknowledge: async (to, id) => {
      await publisher.publish(ackChannel(to), id);
    },
    async close() {
      await subscriber.quit().catch(() => subscriber.disconnect());
      await publisher.quit().catch(() => publisher.disconnect());
    },
  });
  return bus;
}
