/** Small facts about the store itself (when it was last maintained) and the alert throttle. */

export interface MetaStore {
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  /** True (and recorded) when an alert with this key may be sent now under the throttle. */
  claimAlert(key: string, now: number, throttleMs: number, maxPerHour: number): Promise<boolean>;
}
