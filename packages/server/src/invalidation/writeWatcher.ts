import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { InvalidationBus } from './types.js';

/**
 * The tables a cached credential is made of: who the user is (role, disabled, login, email,
 * password), the application password itself, app_id blocks, and the site settings (the
 * application-password switches).
 */
const WATCHED = new Set([
  'users',
  'application_passwords',
  'app_id_blocks',
  'settings',
  'services',
]);

/**
 * Columns whose change leaves every cached credential as good as it was: the last-used data
 * flushed every minute and the expiry-notice mark. Any other change to a watched table counts.
 */
const HARMLESS_UPDATES: Record<string, ReadonlySet<string>> = {
  application_passwords: new Set(['last_used', 'last_ip', 'expiry_notified_at']),
};

/** Inserting a row can only add a credential, never make a cached one wrong. */
const INSERT_IS_HARMLESS = new Set(['users', 'application_passwords']);

const RAW_WRITE =
  /\b(update|delete|insert|replace)\b[\s\S]*\b(users|application_passwords|app_id_blocks|settings|services)\b/i;

function tableName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  const n = node as unknown as {
    kind: string;
    table?: { identifier?: { name?: string } };
    node?: OperationNode;
    froms?: OperationNode[];
  };
  if (n.kind === 'TableNode') return n.table?.identifier?.name;
  if (n.kind === 'AliasNode') return tableName(n.node);
  if (n.kind === 'FromNode') return tableName(n.froms?.[0]);
  return undefined;
}

function columnName(node: OperationNode): string | undefined {
  const n = node as unknown as { kind: string; column?: { name?: string } };
  return n.kind === 'ColumnNode' ? n.column?.name : undefined;
}

/** Whether running this statement can make a cached credential wrong. */
export function invalidatesCredentials(node: RootOperationNode): boolean {
  switch (node.kind) {
    case 'UpdateQueryNode': {
      const table = tableName(node.table);
      if (!table || !WATCHED.has(table)) return table === undefined;
      const harmless = HARMLESS_UPDATES[table];
      const columns = (node.updates ?? []).map((u) => columnName(u.column));
      return !harmless || columns.some((c) => c === undefined || !harmless.has(c));
    }
    case 'DeleteQueryNode': {
      const table = tableName(node.from);
      return table === undefined || WATCHED.has(table);
    }
    case 'InsertQueryNode': {
      const table = tableName(node.into);
      if (!table) return true;
      return WATCHED.has(table) && !(INSERT_IS_HARMLESS.has(table) && !node.onConflict);
    }
    case 'RawNode':
      return RAW_WRITE.test(node.sqlFragments.join(' '));
    default:
      return false;
  }
}

/**
 * A Kysely plugin that announces, through the bus, every statement that changes what a cached
 * credential is made of, once the statement has run and before its caller continues: so a
 * handler that revokes, disables or re-roles has emptied every node's cache before it answers.
 * It watches the statements themselves rather than trusting each caller to remember, so a new
 * code path cannot forget. (Inside a transaction the announcement comes before the commit; the
 * callers whose transaction touches these tables announce once more after it: writeSettings.)
 */
export function watchCredentialWrites(
  bus: InvalidationBus,
  onError: (error: unknown) => void,
): KyselyPlugin {
  const pending = new WeakSet<object>();
  return {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      if (invalidatesCredentials(args.node)) pending.add(args.queryId);
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (pending.has(args.queryId)) {
        pending.delete(args.queryId);
        // The change is made; failing to tell other nodes must not turn it into an error for
        // the caller (their entries still lapse within the cache's few seconds).
        await bus.everythingChanged().catch(onError);
      }
      return args.result;
    },
  };
}
