/**
 * Namespace "masking": assisted masking (person detection, mask tracks) and burned-in masks
 * (issue 14). Swedish first; `en` has exactly the same keys (the type says so).
 *
 * Sentences that start "Assisterad maskering är inte tillgänglig" tell the officer that the
 * detector cannot run; drawing masks by hand still works, and each says so.
 */
export const sv = {
  modelMissing:
    'Assisterad maskering är inte tillgänglig: modellfilen {{file}} saknas. Installera om Custodian (npm ci). Manuell maskering fungerar fortfarande.',
  modelCorrupt:
    'Assisterad maskering är inte tillgänglig: modellfilen {{file}} är skadad eller inte den version Custodian är byggd för ({{expected}}). Installera om Custodian (npm ci). Manuell maskering fungerar fortfarande.',
  modelLoadFailed:
    'Assisterad maskering är inte tillgänglig: personmodellen kunde inte laddas ({{detail}}). Manuell maskering fungerar fortfarande.',
  runtimeMissing:
    'Assisterad maskering är inte tillgänglig: beräkningsmotorn (WebAssembly) saknas i {{dir}}. Installera om Custodian (npm ci). Manuell maskering fungerar fortfarande.',
  networkRefused:
    'Assisterad maskering försökte hämta {{url}} från nätet. Custodian hämtar aldrig något under körning, så försöket stoppades och ingen maskering föreslogs.',
  workerFailed: 'Personsökningen avbröts oväntat ({{detail}}). Försök igen; manuell maskering fungerar fortfarande.',
  clipUnreadable: 'Klippet {{file}} går inte att läsa: {{detail}}.',
  clipMissing: 'Klippet {{file}} finns inte (längre).',
  clipNoPicture: 'Klippet {{file}} har ingen bild att maskera.',
  clipDamaged: 'Klippet {{file}} är skadat efter {{seconds}} s ({{detail}}); det som går att avkoda har inte kunnat granskas till slutet.',
  partlySearched:
    'Klippet {{file}} kunde bara granskas till {{seconds}} s av {{total}} s (resten gick inte att avkoda). Titta igenom resten och maskera för hand.',
  noPeopleFound:
    'Inga personer hittades i klippet ({{frames}} bilder granskades, {{rate}} per sekund). Titta igenom klippet och maskera för hand om någon syns.',
  peopleFound: '{{tracks}} spår föreslogs i klippet ({{frames}} bilder granskades, {{rate}} per sekund). Kontrollera dem innan export.',
  badRate: 'Samplingstakten {{rate}} bilder per sekund går inte; den ska vara mellan {{min}} och {{max}}.',
  badOption: 'Inställningen {{name}} = {{value}} går inte: {{why}}.',
  invalidTrack: 'Maskspåret {{id}} är ogiltigt: {{detail}}.',
  duplicateTrack: 'Maskspåret {{id}} finns två gånger.',
  unknownKeptTrack: 'Spåret {{id}} som ska lämnas synligt finns inte bland maskspåren.',
  burnFailed: 'Maskerna kunde inte brännas in i {{file}}: {{detail}}.',
} as const;

export const en: Record<keyof typeof sv, string> = {
  modelMissing: 'Assisted masking is unavailable: the model file {{file}} is missing. Reinstall Custodian (npm ci). Manual masking still works.',
  modelCorrupt:
    'Assisted masking is unavailable: the model file {{file}} is damaged or not the version Custodian was built for ({{expected}}). Reinstall Custodian (npm ci). Manual masking still works.',
  modelLoadFailed: 'Assisted masking is unavailable: the person model could not be loaded ({{detail}}). Manual masking still works.',
  runtimeMissing: 'Assisted masking is unavailable: the compute engine (WebAssembly) is missing from {{dir}}. Reinstall Custodian (npm ci). Manual masking still works.',
  networkRefused:
    'Assisted masking tried to fetch {{url}} from the network. Custodian never fetches anything at run time, so the attempt was stopped and no masks were proposed.',
  workerFailed: 'The person search stopped unexpectedly ({{detail}}). Try again; manual masking still works.',
  clipUnreadable: 'The clip {{file}} cannot be read: {{detail}}.',
  clipMissing: 'The clip {{file}} does not exist (any more).',
  clipNoPicture: 'The clip {{file}} has no picture to mask.',
  clipDamaged: 'The clip {{file}} is damaged after {{seconds}} s ({{detail}}); it could not be searched to the end.',
  partlySearched: 'The clip {{file}} could only be searched up to {{seconds}} s of {{total}} s (the rest could not be decoded). Look through the rest and mask by hand.',
  noPeopleFound: 'No people were found in the clip ({{frames}} frames searched, {{rate}} a second). Look through the clip and mask by hand if anyone is seen.',
  peopleFound: '{{tracks}} tracks were proposed in the clip ({{frames}} frames searched, {{rate}} a second). Check them before exporting.',
  badRate: 'A sampling rate of {{rate}} frames a second is not possible; it must be between {{min}} and {{max}}.',
  badOption: 'The option {{name}} = {{value}} is not possible: {{why}}.',
  invalidTrack: 'The mask track {{id}} is invalid: {{detail}}.',
  duplicateTrack: 'The mask track {{id}} appears twice.',
  unknownKeptTrack: 'The track {{id}} that is to stay visible is not one of the mask tracks.',
  burnFailed: 'The masks could not be burned into {{file}}: {{detail}}.',
};
