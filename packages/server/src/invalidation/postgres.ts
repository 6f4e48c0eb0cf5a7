import type PgType from 'pg';
import type { Logger } from 'pino';
import { AcknowledgedBus } from './acknowledged.js';

/** The listening connections name themselves so a publisher can count the nodes. */
const APPLICATION_NAME = 'latchkey-invalidation';
const CHANNEL = 'latchkey_invalidate';
const ACK_CHANNEL = 'latchkey_invalidate_ack';

/**
 * Nodes sharing a PostgreSQL database and no Redis: LISTEN/NOTIFY on a dedicated connection per
 * node. NOTIFY does not say how many listeners there are, so the publisher counts the other
 * nodes' listening connections (by application_name, in this database) and waits for that many
 * acknowledgements. Acknowledgements go to one channel for all, addressed by node id.
 */
export async function createPostgresBus(
  pg: typeof PgType,
  databaseUrl: string,
  logger: Logger,
): Promise<AcknowledgedBus> {
  const bus = new AcknowledgedBus('postgres', logger);
  const listener = new pg.Client({
    connectionString: databaseUrl,
    application_name: APPLICATION_NAME,
  });
  const sender = new pg.Client({ connectionString: databaseUrl });
  const ended = { value: false };
  try {
    await listener.connect();
    await sender.connect();
    listener.on('notification', (n) => {
      const payload = n.payload ?? '';
      if (n.channel === CHANNEL) bus.received(payload);
      else if (n.channel === ACK_CHANNEL) {
        const [to, id] = payload.split(' ');
        if (to === bus.nodeId && id) bus.acknowledged(id);
      }
    });
    for (const client of [listener, sender])
      client.on('error', (err) => {
        if (!ended.value) logger.warn({ err }, 'cache invalidation connection failed');
      });
    await listener.query(`LISTEN ${CHANNEL}`);
    await listener.query(`LISTEN ${ACK_CHANNEL}`);
  } catch (error) {
    await listener.end().catch(() => {});
    await sender.end().catch(() => {});
    throw error;
  }
  bus.attach({
    transport: 'postgres',
    async announce(text) {
      const { rows } = await sender.query<{ n: number }>(
        `SELECT count(*)::int - 1 AS n FROM pg_stat_activity
          WHERE application_name = $1 AND datname = current_database()`,
        [APPLICATION_NAME],
      );
      await sender.query('SELECT pg_notify($1, $2)', [CHANNEL, text]);
      return Math.max(0, rows[0]?.n ?? 0);
    },
    async acknowledge(to, id) {
      await sender.query('SELECT pg_notify($1, $2)', [ACK_CHANNEL, `${to} ${id}`]);
    },
    async close() {
      ended.value = true;
      await listener.end().catch(() => {});
      await sender.end().catch(() => {});
    },
  });
  return bus;
}
