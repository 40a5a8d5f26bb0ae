/** What a tile's connection-quality indicator shows, from a consumer score (0–10, from the host). */
export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

/** Consumer score → what the user needs to know. The host sends a score only when this changes. */
export function qualityLevel(score: number | undefined): QualityLevel {
  if (score === undefined) return 'unknown';
  if (score >= 7) return 'good';
  if (score >= 4) return 'fair';
  return 'poor';
}
