/**
 * Namespace "alarm": what each alarm tells a person, and acknowledging one. An alarm is its kind
 * and details; the details carry `msg` (one of these keys, or one of the deletion namespace's
 * alarm… keys, with its parameters), and each face renders it in the reader's language. Swedish
 * first; `en` has exactly the same keys. They never ask for a command: the reader may be in the
 * app.
 */
export const sv = {
  rootOffline: 'Inspelningsroten {{root}} är inte tillgänglig: {{reason}}. Inget i den indexeras eller raderas förrän den är tillbaka.',
  massDeletion:
    'Ett svep skulle radera {{due}} av {{total}} inspelningar i {{root}} ({{share}} %, mer än de {{allowed}} % som får raderas på en gång). En klocka som går före, fel tidszon eller fel filnamnsmönster kan orsaka det. Titta på vad som skulle raderas (förhandsvisningen av nästa svep) och kvittera sedan larmet för att låta det gå.',
  massMissing:
    '{{count}} av {{total}} inspelningar i {{root}} ({{share}} %) verkar ha försvunnit på en gång. Custodian har inte tagit bort dem ur indexet; kontrollera recordern och kvittera larmet om det stämmer.',
  diskFull: 'Inspelningsdisken {{root}} är {{used}} % full. Custodian raderar inte spärrade eller unga inspelningar för att göra plats: frigör utrymme eller utöka disken.',
  audioRecorded: 'Kamera {{camera}} spelar in ljud ({{file}}). Policyn säger att ljud inte spelas in (P7): stäng av mikrofonen. Custodian exporterar aldrig ljud.',
  audioArchived: 'Kamera {{camera}} har spelat in ljud (upptäcktes när {{incident}} arkiverades). Policyn säger att ljud inte spelas in (P7): stäng av mikrofonen. Det arkiverade klippet gjordes utan ljud.',
  incidentOverdue: 'Ärende {{ref}} ("{{title}}") skulle ha granskats senast {{reviewBy}}: förläng det med ett skäl, lämna över det eller stäng det (P5: sparas aldrig längre än det behövs).',
  handoverDeleteFailed_one: '{{ref}} har lämnats över, men {{count}} arkiverad fil kunde inte raderas än ({{reason}}). Registrera överlämningen igen för att slutföra; materialet får inte sparas.',
  handoverDeleteFailed_other: '{{ref}} har lämnats över, men {{count}} arkiverade filer kunde inte raderas än ({{reason}}). Registrera överlämningen igen för att slutföra; materialet får inte sparas.',
  discardDeleteFailed_one: 'Paket {{package}} för {{ref}} kasserades, men {{count}} av dess filer kunde inte raderas än ({{reason}}). Kassera paketet igen för att slutföra.',
  discardDeleteFailed_other: 'Paket {{package}} för {{ref}} kasserades, men {{count}} av dess filer kunde inte raderas än ({{reason}}). Kassera paketet igen för att slutföra.',
  closeDeleteFailed_one: '{{count}} arkiverad fil i {{ref}} kunde inte raderas nu ({{reason}}). Stäng ärendet igen för att slutföra.',
  closeDeleteFailed_other: '{{count}} arkiverade filer i {{ref}} kunde inte raderas nu ({{reason}}). Stäng ärendet igen för att slutföra.',
  archiveMismatch_one: '{{count}} arkiverat klipp saknas eller har ändrats: {{clips}}. Materialet måste tas fram igen från en säkerhetskopia eller ärendet utredas.',
  archiveMismatch_other: '{{count}} arkiverade klipp saknas eller har ändrats: {{clips}}. Materialet måste tas fram igen från en säkerhetskopia eller ärendet utredas.',

  errNoAlarm: 'Det finns inget larm nr {{alarm}}.',
  errAcked: 'Larm nr {{alarm}} har redan kvitterats av {{by}}.',
} as const;

export const en: Record<keyof typeof sv, string> = {
  rootOffline: 'Recording root {{root}} is offline: {{reason}}. Nothing in it is indexed or deleted until it is back.',
  massDeletion:
    'A sweep would delete {{due}} of {{total}} recordings in {{root}} ({{share}}%, more than the {{allowed}}% allowed at once). A clock set ahead, a wrong time zone or a wrong layout would do this. Look at what would be deleted (the next sweep\'s preview), then acknowledge the alarm to let it go ahead.',
  massMissing: '{{count}} of {{total}} recordings in {{root}} ({{share}}%) seem to have disappeared at once. Custodian has not removed them from the index; check the recorder and acknowledge the alarm if this is right.',
  diskFull: 'The recording disk {{root}} is {{used}}% full. Custodian does not delete held or young recordings to make room: free space or extend the disk.',
  audioRecorded: 'Camera {{camera}} records sound ({{file}}). The policy says no audio is recorded (P7): turn off the microphone. Custodian never exports audio.',
  audioArchived: 'Camera {{camera}} recorded sound (found while archiving {{incident}}). The policy says no audio is recorded (P7): turn off the microphone. The archived clip was made without it.',
  incidentOverdue: 'Incident {{ref}} ("{{title}}") was due for review on {{reviewBy}}: extend it with a reason, hand it over, or close it (P5: never kept longer than needed).',
  handoverDeleteFailed_one: '{{ref}} was handed over but {{count}} archived file could not be deleted yet ({{reason}}). Record the handover again to finish; the material must not be kept.',
  handoverDeleteFailed_other: '{{ref}} was handed over but {{count}} archived files could not be deleted yet ({{reason}}). Record the handover again to finish; the material must not be kept.',
  discardDeleteFailed_one: 'Package {{package}} of {{ref}} was discarded but {{count}} of its files could not be deleted yet ({{reason}}). Discard the package again to finish.',
  discardDeleteFailed_other: 'Package {{package}} of {{ref}} was discarded but {{count}} of its files could not be deleted yet ({{reason}}). Discard the package again to finish.',
  closeDeleteFailed_one: '{{count}} archived file of {{ref}} could not be deleted now ({{reason}}). Close the incident again to finish.',
  closeDeleteFailed_other: '{{count}} archived files of {{ref}} could not be deleted now ({{reason}}). Close the incident again to finish.',
  archiveMismatch_one: '{{count}} archived clip is missing or was changed: {{clips}}. The material must be restored from a backup or the matter investigated.',
  archiveMismatch_other: '{{count}} archived clips are missing or were changed: {{clips}}. The material must be restored from a backup or the matter investigated.',

  errNoAlarm: 'There is no alarm #{{alarm}}.',
  errAcked: 'Alarm #{{alarm}} was already acknowledged by {{by}}.',
};
