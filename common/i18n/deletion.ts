/**
 * Namespace "deletion": the deletion door, the retention sweep, its safety rules and the roots
 * it may delete in. Swedish first; `en` has the same keys.
 */
export const sv = {
  rootHoldsDataFolder: '{{folder}} innehåller Custodians datamapp ({{data}}). En inspelningsrot får aldrig rymma Custodians egna data: välj recorderns egen mapp.',
  rootInsideDataFolder: '{{folder}} ligger i Custodians datamapp ({{data}}). En inspelningsrot måste vara recorderns egen mapp, utanför datamappen.',
  rootIsHome: '{{folder}} är eller innehåller hemmappen. Custodian raderar i en inspelningsrot: välj mappen där recordern skriver sina filer.',
  rootIsSystem: '{{folder}} är en systemmapp. Custodian raderar i en inspelningsrot och tar aldrig en systemmapp: välj mappen där recordern skriver sina filer.',
  rootIsLink: '{{folder}} är en symbolisk länk. Ange den verkliga mappen ({{target}}): Custodian raderar aldrig genom länkar.',
  rootSameStorage: '{{folder}} är samma lagring som inspelningsroten {{other}} (#{{id}}), nådd på en annan väg (en bindmontering eller en andra anslutning av samma resurs). En lagring får bara vara en rot: använd {{other}}.',
  rootSentinelTaken: '{{folder}} har inspelningsroten {{other}}s (#{{id}}) vaktfil: det är samma disk eller en kopia av den. En lagring får bara vara en rot: använd {{other}}, eller ta bort den roten först.',

  refusedLease: 'En annan Custodian-process sveper just nu.',
  refusedLeaseLost: 'Svepet avbröts: en annan Custodian-process tog över svepet (det här svepet hade stått stilla för länge).',
  refusedClockBackwards: 'Klockan har gått bakåt sedan förra svepet.',
  refusedClockJump: 'Klockan har hoppat {{jump}} framåt jämfört med datorns egen klocka.',
  refusedRecordersBehind: 'Klockan visar {{skew}} senare än den nyaste inspelningen på varje inspelningsrot.',
  refusedAlarm: 'Pausad av larm nr {{alarm}} ({{kind}}).',
  refusedOffline: 'Inspelningsroten är inte tillgänglig: {{reason}}',
  refusedIdentity: 'Inspelningsroten är inte den som registrerades: {{reason}}',
  refusedMassDeletion: 'Svepet skulle radera {{share}} % av roten på en gång.',
  refusedRootAlarm: 'Pausad av ett larm för den här roten.',
  refusedMassVanished: '{{count}} inspelningar som skulle raderas fanns redan inte kvar; svepet stoppades utan att logga dem.',
  refusedFolderChanged: 'Mappen {{folder}} byttes ut under svepet; svepet stoppades i roten.',

  alarmMassVanished: '{{count}} inspelningar i {{root}} som skulle raderas fanns inte längre på disken under svepet (lagringen kan ha kopplats bort). Custodian loggade dem inte som raderade och pausar raderingen i roten tills någon kontrollerat lagringen och kvitterat larmet.',
  alarmFolderChanged: 'Mappen {{folder}} i {{root}} var inte längre samma mapp när den skulle raderas i ({{reason}}). Custodian raderar aldrig genom länkar eller i en utbytt mapp; raderingen i roten är pausad tills någon kontrollerat och kvitterat larmet.',
  alarmRootIdentity: 'Inspelningsroten {{root}} är inte den mapp Custodian registrerade ({{reason}}). Inget raderas där förrän någon kontrollerat disken och kvitterat larmet (kvitteringen godtar den nya identiteten).',
  alarmClockBackwards: 'Klockan visar {{now}}, tidigare än förra svepet ({{last}}). Raderingen är pausad tills någon kontrollerat klockan och kvitterat larmet.',
  alarmClockBackwardsEarly: 'Klockan visar {{now}}, tidigare än förra svepet ({{last}}). Medan klockan gick före raderades {{count}} inspelningar innan de var förfallna ({{cameras}}, inspelade {{from}}–{{to}}). Raderingen är pausad tills någon kontrollerat klockan och kvitterat larmet.',
  alarmClockJump: 'Klockan har hoppat {{jump}} framåt sedan förra svepet jämfört med datorns egen klocka. Om den fick gå skulle {{count}} inspelningar ({{cameras}}) raderas upp till {{jump}} för tidigt. Raderingen är pausad tills någon kontrollerat klockan och kvitterat larmet.',
  alarmRecordersBehind: 'Den nyaste inspelningen på varje inspelningsrot slutade {{skew}} före vad klockan visar ({{newest}}). Antingen går klockan före eller så har ingen recorder skrivit på {{skew}}. Om raderingen fick gå skulle {{count}} inspelningar ({{cameras}}) kunna raderas upp till {{skew}} för tidigt. Raderingen är pausad tills någon kontrollerat klockan och recordrarna och kvitterat larmet.',
  alarmDeleteDeferred: '{{count}} förfallna inspelningar kunde inte raderas nu ({{reason}}). Custodian försöker igen vid varje svep.',
  alarmForeignFiles: 'I {{folder}} fanns filer som Custodian inte skrivit: {{files}}. De lämnades kvar; kontrollera vem som lagt dem där.',
  alarmPackageFolderChanged: 'Mappen {{folder}} är inte den mapp som paket {{package}} skrevs till (en annan mapp har nu dess namn, kanske ett senare paket). Ingenting i den raderades och kopian av paket {{package}} räknas inte som raderad; leta reda på den och radera den för hand, eller kontrollera vad mappen innehåller.',
  alarmArchiveFailed: 'Arkiveringen av {{incident}} misslyckades för kamera {{camera}}: {{error}}. Spärren ligger kvar; Custodian försöker igen om 5 minuter.',

  noteRecovered: 'avslutad efter ett avbrott (journalen visade att den var markerad för radering)',
  noteBeforeHold: 'raderad innan spärr nr {{hold}} registrerades',
  noteFolderMovedAsDeleted: 'mappen flyttades eller byttes ut i samma stund som filen raderades: filen kan redan ha legat utanför roten',

  clipChanged: 'filen är inte den Custodian skrev (storlek eller kontrollsumma skiljer sig)',
  changedSinceIndexed: 'filen har ändrats sedan den indexerades',

  timeAmbiguous: '"{{text}}" inträffar två gånger i {{zone}} när sommartiden slutar: {{firstIso}} eller {{secondIso}}. Ange tiden med förskjutning, t.ex. {{firstIso}}.',
  timeInGap: '"{{text}}" finns inte i {{zone}}: klockan hoppar över den timmen när sommartiden börjar. Menar du {{beforeIso}} eller {{afterIso}}?',

  // The deletion log's reason column (written in the log form; common/i18n/words.ts reads it back) and outcome.
  'reason.retention': 'lagringstiden har gått ut',
  'reason.handover': 'överlämnat till {{recipients}}',
  'reason.closed': 'ärendet stängdes utan överlämning: {{reason}}',
  'reason.closedAfterHandover': 'ärendet stängdes efter överlämning till {{recipients}}: {{reason}}',
  'reason.discarded': 'paketet kasserades: {{reason}}',
  'outcome.deleted': 'raderad',
  'outcome.pending': 'väntar',
  'outcome.already-gone': 'fanns redan inte',
} as const;

export const en: Record<keyof typeof sv, string> = {
  rootHoldsDataFolder: '{{folder}} contains Custodian\'s data folder ({{data}}). A recording root may never hold Custodian\'s own data: choose the recorder\'s own folder.',
  rootInsideDataFolder: '{{folder}} is inside Custodian\'s data folder ({{data}}). A recording root must be the recorder\'s own folder, outside the data folder.',
  rootIsHome: '{{folder}} is or contains the home folder. Custodian deletes in a recording root: choose the folder the recorder writes its files to.',
  rootIsSystem: '{{folder}} is a system folder. Custodian deletes in a recording root and never takes a system folder: choose the folder the recorder writes its files to.',
  rootIsLink: '{{folder}} is a symbolic link. Give the real folder ({{target}}): Custodian never deletes through links.',
  rootSameStorage: '{{folder}} is the same storage as the recording root {{other}} (#{{id}}), reached by another path (a bind mount or a second mapping of the same share). One storage may be one root only: use {{other}}.',
  rootSentinelTaken: '{{folder}} holds the sentinel of the recording root {{other}} (#{{id}}): it is the same disk or a copy of it. One storage may be one root only: use {{other}}, or remove that root first.',

  refusedLease: 'Deletion waits: another Custodian process is sweeping right now.',
  refusedLeaseLost: 'The sweep stopped: another Custodian process took the sweep over (this one had stalled for too long).',
  refusedClockBackwards: 'The clock moved backwards since the last sweep.',
  refusedClockJump: 'The clock jumped {{jump}} ahead of the machine\'s own clock.',
  refusedRecordersBehind: 'The clock reads {{skew}} later than the newest recording on every recording root.',
  refusedAlarm: 'Paused by alarm #{{alarm}} ({{kind}}).',
  refusedOffline: 'The recording root is offline: {{reason}}',
  refusedIdentity: 'The recording root is not the one registered: {{reason}}',
  refusedMassDeletion: 'The sweep would delete {{share}}% of the root at once.',
  refusedRootAlarm: 'Paused by an alarm on this root.',
  refusedMassVanished: '{{count}} recordings due for deletion were already gone; the sweep stopped without logging them.',
  refusedFolderChanged: 'The folder {{folder}} was swapped during the sweep; the sweep stopped in this root.',

  alarmMassVanished: '{{count}} recordings in {{root}} that were due for deletion were no longer on the disk during the sweep (the storage may have gone away). Custodian did not log them as deleted and pauses deletion in this root until a person has checked the storage and acknowledged this alarm.',
  alarmFolderChanged: 'The folder {{folder}} in {{root}} was no longer the same folder when it was to be deleted in ({{reason}}). Custodian never deletes through links or in a swapped folder; deletion in this root is paused until a person has checked and acknowledged this alarm.',
  alarmRootIdentity: 'The recording root {{root}} is not the folder Custodian registered ({{reason}}). Nothing is deleted there until a person has checked the disk and acknowledged this alarm (the acknowledgement accepts the new identity).',
  alarmClockBackwards: 'The clock says {{now}}, earlier than the last sweep ({{last}}). Deletion is paused until a person checks the clock and acknowledges this alarm.',
  alarmClockBackwardsEarly: 'The clock says {{now}}, earlier than the last sweep ({{last}}). While the clock ran ahead, {{count}} recordings were deleted before they were due ({{cameras}}, recorded {{from}}–{{to}}). Deletion is paused until a person checks the clock and acknowledges this alarm.',
  alarmClockJump: 'The clock jumped {{jump}} ahead since the last sweep, against the machine\'s own clock. If deletion went ahead, {{count}} recordings ({{cameras}}) would be deleted up to {{jump}} early. Deletion is paused until a person checks the clock and acknowledges this alarm.',
  alarmRecordersBehind: 'The newest recording on every recording root ended {{skew}} before what the clock says ({{newest}}). Either the clock is ahead or no recorder has written for {{skew}}. If deletion went ahead, {{count}} recordings ({{cameras}}) could be deleted up to {{skew}} early. Deletion is paused until a person checks the clock and the recorders and acknowledges this alarm.',
  alarmDeleteDeferred: '{{count}} recordings that are due could not be deleted now ({{reason}}). Custodian tries again at every sweep.',
  alarmForeignFiles: 'Files Custodian did not write were found in {{folder}}: {{files}}. They were left in place; check who put them there.',
  alarmPackageFolderChanged: 'The folder {{folder}} is not the folder package {{package}} was written to (another folder has its name now, perhaps a later package). Nothing in it was deleted and the copy of package {{package}} does not count as deleted; find it and delete it by hand, or check what the folder holds.',
  alarmArchiveFailed: 'Archiving {{incident}} failed for camera {{camera}}: {{error}}. The hold stays; Custodian tries again in 5 minutes.',

  noteRecovered: 'finished after an interruption (the journal showed it marked for deletion)',
  noteBeforeHold: 'deleted before hold #{{hold}} was recorded',
  noteFolderMovedAsDeleted: 'the folder was moved or replaced at the very moment this file was deleted: the file may already have been outside the root',

  clipChanged: 'the file is not the one Custodian wrote (its size or checksum differs)',
  changedSinceIndexed: 'the file changed since it was indexed',

  timeAmbiguous: '"{{text}}" happens twice in {{zone}} when summer time ends: {{firstIso}} or {{secondIso}}. Give the time with its offset, e.g. {{firstIso}}.',
  timeInGap: '"{{text}}" does not exist in {{zone}}: the clock skips that hour when summer time starts. Did you mean {{beforeIso}} or {{afterIso}}?',

  'reason.retention': 'retention period over',
  'reason.handover': 'handed over to {{recipients}}',
  'reason.closed': 'incident closed without handover: {{reason}}',
  'reason.closedAfterHandover': 'incident closed after handover to {{recipients}}: {{reason}}',
  'reason.discarded': 'package discarded: {{reason}}',
  'outcome.deleted': 'deleted',
  'outcome.pending': 'pending',
  'outcome.already-gone': 'already gone',
};
