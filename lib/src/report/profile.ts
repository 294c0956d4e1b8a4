// The run profile: how much work a notebook does. smoke = seconds (tests), quick = minutes
// (npm start, CI), full = paper scale (npm run full). Chosen by MILAB_PROFILE, default quick.
import { inputError } from '../errors';

export type Profile = 'smoke' | 'quick' | 'full';
export const PROFILES: readonly Profile[] = ['smoke', 'quick', 'full'];

export function profile(): Profile {
  const raw = (process.env.MILAB_PROFILE ?? '').trim();
  if (raw === '') return 'quick';
  if ((PROFILES as readonly string[]).includes(raw)) return raw as Profile;
  return inputError(`MILAB_PROFILE must be one of ${PROFILES.join(', ')}; got '${raw}'`);
}

/** The value for the current profile: `perProfile({ smoke: 1, quick: 3, full: 10 })`. */
export function perProfile<T>(choices: Record<Profile, T>): T {
  return choices[profile()];
}
