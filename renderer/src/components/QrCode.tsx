import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** A QR code of `text`, for joining from a phone or another laptop's camera. */
export function QrCode({ text, label }: { text: string; label: string }) {
  const [dataUrl, setDataUrl] = useState<string | undefined>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let cancelled = false;
    QRCode.toDataURL(text, { margin: 1, width: 200, errorCorrectionLevel: 'M' }).then(
      (url) => !cancelled && setDataUrl(url),
      () => !cancelled && setFailed(true),
    );
    return () => {
      cancelled = true;
    };
  }, [text]);
  if (failed) return <p className="muted">The QR code could not be drawn; share the link instead.</p>;
  return dataUrl ? <img className="qr" src={dataUrl} alt={label} data-testid="invite-qr" width={200} height={200} /> : <div className="qr placeholder" aria-hidden="true" />;
}
