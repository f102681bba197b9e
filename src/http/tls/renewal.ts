/** How often a running server looks whether its ACME certificate is due (also after a failure). */
export const RENEWAL_CHECK_MS = 12 * 60 * 60 * 1000;

/**
 * When a certificate should be renewed: once two thirds of its lifetime have passed (30 days
 * before the end of Let's Encrypt's 90, proportionally for shorter-lived ones), so a failed
 * renewal leaves weeks of retries before browsers see an expired certificate.
 */
export function renewAt(validFrom: Date, validTo: Date): Date {
  const lifetime = validTo.getTime() - validFrom.getTime();
  return new Date(validTo.getTime() - lifetime / 3);
}

/** Milliseconds until the next look: the renewal time, but at least every RENEWAL_CHECK_MS. */
export function nextCheckIn(validFrom: Date, validTo: Date, now: Date): number {
  return Math.max(0, Math.min(renewAt(validFrom, validTo).getTime() - now.getTime(), RENEWAL_CHECK_MS));
}
