import { qualityLevel, type QualityLevel } from '../../../shared/quality';

export { qualityLevel, type QualityLevel };

const LABELS: Record<QualityLevel, string> = {
  good: 'Connection good',
  fair: 'Connection fair',
  poor: 'Connection poor',
  unknown: 'Connection quality not known yet',
};

const BARS: Record<QualityLevel, number> = { good: 3, fair: 2, poor: 1, unknown: 0 };

/** Three signal bars, coloured by level. */
export function QualityIndicator({ score }: { score: number | undefined }) {
  const level = qualityLevel(score);
  return (
    <span className={`quality quality-${level}`} data-testid="quality" data-quality={level} role="img" aria-label={LABELS[level]} title={LABELS[level]}>
      {[1, 2, 3].map((bar) => (
        <span key={bar} className={bar <= BARS[level] ? 'bar on' : 'bar'} />
      ))}
    </span>
  );
}
