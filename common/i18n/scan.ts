/**
 * Namespace "scan": what the indexer tells a person about recordings that moved, vanished
 * while held, or changed after they were indexed. Swedish first; `en` has the same keys.
 */
export const sv = {
  cameraMoved:
    'Kamera {{from}}s inspelningar ({{count}} st) finns nu under kamera {{to}}: en kamera- eller dagsmapp har flyttats eller bytt namn. Custodian behandlar dem som samma inspelningar, och spärrar som gällde dem gäller nu också kamera {{to}}. En administratör bekräftar zonen för kamera {{to}} bland kamerorna i Inställningar.',
  heldMissing:
    '{{count}} spärrade inspelningar i {{root}} finns inte längre på disken (kameror: {{cameras}}; först: {{first}}). Custodian behåller dem i indexet och letar efter dem vid varje genomsökning. Ta reda på vad som hänt med dem.',
  recordingRewritten:
    '{{count}} inspelningar i {{root}} som är spärrade ({{held}}) eller har arkiverats ({{archived}}) har ändrats på disken efter att de indexerades: inspelaren kan ha skrivit över dem. Kontrollera inspelaren; arkivet har egna kopior, som Custodian kan kontrollera mot sina kontrollsummor.',
} as const;

export const en: Record<keyof typeof sv, string> = {
  cameraMoved:
    'The recordings of camera {{from}} ({{count}}) are now under camera {{to}}: a camera or day folder was moved or renamed. Custodian treats them as the same recordings, and holds that kept them now cover camera {{to}} too. An administrator confirms the zone of camera {{to}} among the cameras in Settings.',
  heldMissing:
    '{{count}} held recordings in {{root}} are no longer on the disk (cameras: {{cameras}}; first: {{first}}). Custodian keeps them in the index and looks for them at every scan. Find out what happened to them.',
  recordingRewritten:
    '{{count}} recordings in {{root}} that are held ({{held}}) or were archived ({{archived}}) have changed on disk since they were indexed: the recorder may have overwritten them. Check the recorder; the archive keeps its own copies, which Custodian can check against their checksums.',
};
