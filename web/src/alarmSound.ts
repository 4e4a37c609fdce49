/**
 * The FLASH alarm's sound (CON1): three short tones made with Web Audio, so no sound file is
 * needed. Browsers allow sound only after the user has interacted with the page; signing in
 * counts, so an officer at the desk hears it. Where sound is unavailable the banner remains.
 */

let context: AudioContext | null = null;

/** Plays the alarm once; never throws. */
export function playAlarm(): void {
  try {
    if (typeof AudioContext === 'undefined') return;
    context ??= new AudioContext();
    const audio = context;
    if (audio.state === 'suspended') void audio.resume().catch(() => undefined);
    const start = audio.currentTime + 0.05;
    for (let beep = 0; beep < 3; beep++) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = 'square';
      oscillator.frequency.value = 880;
      const at = start + beep * 0.3;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.22);
    }
  } catch {
    // No audio device or policy refused: the banner is the alarm.
  }
}
