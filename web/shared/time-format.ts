/** Human wording for times the pages show: waiting durations and message clock times. */

export function toMillis(at: string | number | null | undefined): number | null {
  if (at === null || at === undefined) return null;
  if (typeof at === 'number') return at;
  const asNumber = Number(at);
  if (at.trim() !== '' && Number.isFinite(asNumber)) return asNumber;
  const parsed = Date.parse(at);
  return Number.isNaN(parsed) ? null : parsed;
}

/** "12 s", "3 min", "1 h 05 min", "2 d 3 h". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function formatClock(at: string | number | null | undefined): string {
  const ms = toMillis(at);
  if (ms === null) return '';
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function isoTime(at: string | number | null | undefined): string | undefined {
  const ms = toMillis(at);
  return ms === null ? undefined : new Date(ms).toISOString();
}
