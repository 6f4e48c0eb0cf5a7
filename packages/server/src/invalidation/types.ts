/**
 * What a node may hold in memory about credentials (verified application passwords, the site
 * settings) and the changes that must empty it. Every change that can turn a credential that
 * worked into one that must not (revoke, revoke-all, app_id block, user disabled or deleted,
 * role, password, login or email changed, settings switches) announces itself here, and the
 * announcement resolves only once every node serving the store has dropped what it held.
 */
export type Invalidation =
  /** Everything cached about one user (their application passwords, their identity). */
  | { kind: 'user'; userId: number }
  /** Everything: site settings, app_id blocks, any change that reaches many users. */
  | { kind: 'all' };

export interface InvalidationBus {
  /** 'local': one process; 'redis' / 'postgres': every node sharing the store is told. */
  readonly transport: 'local' | 'redis' | 'postgres';
  /**
   * Empties the affected entries on this node at once, then on every other node; resolves when
   * they have all acknowledged (or, for a node that stopped answering, after a short bound).
   * Call it after the change is committed and before the response is sent.
   */
  publish(change: Invalidation): Promise<void>;
  /** Convenience for the common case. */
  userChanged(userId: number): Promise<void>;
  everythingChanged(): Promise<void>;
  /** Listeners run synchronously for local and remote announcements alike. */
  subscribe(listener: (change: Invalidation) => void): () => void;
  close(): Promise<void>;
}
