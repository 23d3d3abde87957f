/**
 * Namespace "layouts": how a recorder names its files, the proposal Custodian makes by looking
 * at a folder, and the stores it refuses because their files must never be deleted one by one.
 * Swedish first; `en` has the same keys.
 */
export const sv = {
  'recorder.hikvision': 'Hikvision (SD-kort/NAS)',
  'recorder.milestone': 'Milestone XProtect',
  'recorder.moonfire': 'Moonfire NVR',
  'recorder.scrypted': 'Scrypted NVR',

  'store.hikvision':
    '{{folder}} är lagringen för en Hikvision-inspelare (SD-kort eller NAS; {{path}}): dess förallokerade hivNNNNN.mp4-filer på 256 MB återanvänds i en ring och indexeras av index00.bin, så varje fil rymmer många inspelningar och inspelaren skriver själv över den äldsta. Custodian får inte radera dess filer: en raderad fil skulle skära bort film ur inspelarens eget index. Låt inspelarens egen överskrivning hålla tiden (ställ den på policyns 2 månader), eller exportera till en mapp som Custodian förvaltar.',
  'store.milestone':
    '{{folder}} är Milestone XProtects inspelningsdatabas ({{path}}): inspelningarna ligger i block som databasen håller reda på, inte en fil per inspelning. Custodian får inte radera dess filer: databasen skulle då peka på film som inte finns och kan gå sönder. Låt XProtects egen lagringstid hålla policyns 2 månader.',
  'store.moonfire':
    '{{folder}} är en provfilsmapp för Moonfire NVR ({{path}}): filerna är råa videoprover utan ramar, och vad de innehåller finns bara i Moonfires SQLite-databas. Custodian får inte radera dess filer: databasen skulle då räkna med inspelningar som inte finns. Låt Moonfires egen lagringstid hålla policyns 2 månader.',
  'store.scrypted':
    '{{folder}} är lagringsvolymen för Scrypted NVR ({{path}}): Scrypted håller själv reda på vad volymen rymmer och rensar den. Custodian får inte radera dess filer: Scrypteds index skulle då peka på film som inte finns. Låt Scrypted NVR:s egen lagringstid hålla policyns 2 månader.',

  'alarmStore.hikvision':
    'Inspelningsroten {{root}} innehåller nu en Hikvision-inspelares ringlagring ({{paths}}). Dess filer får aldrig raderas en och en, så Custodian raderar ingenting i roten medan de finns där; att kvittera larmet lyfter inte pausen. Ta bort roten (custodian roots remove) eller rikta inspelaren någon annanstans.',
  'alarmStore.milestone':
    'Inspelningsroten {{root}} innehåller nu Milestone XProtects inspelningsdatabas ({{paths}}). Dess filer får aldrig raderas en och en, så Custodian raderar ingenting i roten medan de finns där; att kvittera larmet lyfter inte pausen. Ta bort roten (custodian roots remove) eller flytta databasen.',
  'alarmStore.moonfire':
    'Inspelningsroten {{root}} innehåller nu en provfilsmapp för Moonfire NVR ({{paths}}). Dess filer får aldrig raderas en och en, så Custodian raderar ingenting i roten medan de finns där; att kvittera larmet lyfter inte pausen. Ta bort roten (custodian roots remove) eller flytta mappen.',
  'alarmStore.scrypted':
    'Inspelningsroten {{root}} innehåller nu lagringsvolymen för Scrypted NVR ({{paths}}). Dess filer får aldrig raderas en och en, så Custodian raderar ingenting i roten medan de finns där; att kvittera larmet lyfter inte pausen. Ta bort roten (custodian roots remove) eller flytta volymen.',

  refusedStore: 'Pausad: roten innehåller lagringen för {{recorder}} ({{path}}), vars filer aldrig får raderas en och en. Ingenting i roten raderas förrän en genomsökning ser att den är borta.',

  'kind.scheduled': 'schemalagd',
  'kind.motion': 'rörelse',
  'kind.alarm': 'larm',
  'kind.smart': 'smart händelse',

  'proposal.title': '{{folder}}: ser ut som {{recorder}} (layouten {{layout}}).',
  'proposal.titlePattern': '{{folder}}: ingen förinställd layout passar; det här mönstret förklarar namnen.',
  'proposal.pattern': 'Mönster: {{pattern}}',
  'proposal.zoneAgrees': 'Namnen läses i tidszonen {{zone}}; filernas ändringstider stämmer med det.',
  'proposal.zoneChanged': 'Namnen läses i tidszonen {{zone}}, inte {{default}}: filernas ändringstider stämmer bara så.',
  'proposal.zoneUnchecked': 'Namnen läses i tidszonen {{zone}}; filernas ändringstider kan inte bekräfta det (kopierade eller rörda filer).',
  'proposal.counts': 'Tittade på {{files}} filer i {{folders}} mappar: {{placed}} placerade, {{companions}} sidofiler som lämnas orörda, {{unplaced}} som inte går att placera (indexeras aldrig, rörs aldrig).',
  'proposal.countsPartial': 'Tittade på ett urval ur ett större träd, {{files}} filer i {{folders}} mappar: {{placed}} placerade, {{companions}} sidofiler som lämnas orörda, {{unplaced}} som inte går att placera (indexeras aldrig, rörs aldrig).',
  'proposal.examples': 'Det här läser Custodian ur några av filerna:',
  'proposal.unplaced': 'Filer som inte går att placera:',
  'proposal.alternatives': 'Passar också: {{list}}.',
  'proposal.ambiguous': 'En annan layout förklarar namnen lika bra men läser dem annorlunda ({{others}}). Custodian gissar inte: ange layouten med --layout.',
  'proposal.empty': '{{folder}} innehåller inga filer ännu, så layouten kan inte hittas genom att titta: ange den med --layout NAMN|MÖNSTER.',
  'proposal.none': 'Custodian kan inte avgöra hur inspelaren namnger filerna i {{folder}}: av {{files}} filer placerar ingen förinställd layout eller mönster de flesta. Ange layouten med --layout NAMN|MÖNSTER (se layouttabellen i README).',
  'proposal.fewPlaced': 'Bara {{placed}} av {{files}} filer går att placera med den här layouten; --yes tar bara ett förslag som placerar de flesta. Ange layouten med --layout om den ändå är rätt.',

  'col.path': 'fil',
  'col.camera': 'kamera',
  'col.start': 'början',
  'col.end': 'slut',
  'col.kind': 'typ',
  'col.reason': 'varför',
  'end.name': 'ur namnet',
  'end.file': 'ur filens tid',
  'end.estimate': 'uppskattat',

  'confirm.question': 'Registrera {{folder}} med layouten {{layout}}? Ingenting indexeras förrän du svarar ja. [j/N] ',
  'confirm.declined': 'Ingenting registrerades.',
  'confirm.needed': 'Ingenting registrerades: bekräfta förslaget med --yes, eller ange layouten med --layout {{layout}}.',
  'confirm.registered': 'Inspelningsrot nr {{id}}: {{folder}} (layouten {{layout}}{{zone}}).',

  noFolder: 'Det finns ingen mapp {{folder}} på den här datorn.',
  badLang: '--lang ska vara sv eller en, inte "{{lang}}".',

  'ui.addRoot': 'Lägg till inspelningsrot',
  'ui.addRootHelp': 'Ange mappen där inspelaren skriver sina filer. Custodian tittar på namnen, föreslår en layout och visar vad den skulle läsa; ingenting registreras eller indexeras förrän du bekräftar.',
  'ui.folder': 'Mapp på den här datorn',
  'ui.look': 'Titta på mappen',
  'ui.looking': 'Tittar …',
  'ui.useLayout': 'Registrera med layouten {{layout}}',
  'ui.chooseLayout': 'Layout att registrera med',
  'ui.added': 'Inspelningsrot nr {{id}} registrerad. Den indexeras vid nästa genomsökning.',
  'ui.cancel': 'Avbryt',

  'segment.title': 'Inspelningen vid markören',
  'segment.span': '{{from}}–{{to}}',
  'segment.endFromName': 'slut enligt filnamnet',
  'segment.timeFromFile': 'tiden ur filens egen tid (sökvägen anger bara dagen)',
  'segment.kind': 'typ: {{kind}}',
  'segment.none': 'Ingen inspelning vid markören.',
} as const;

export const en: Record<keyof typeof sv, string> = {
  'recorder.hikvision': 'Hikvision (SD card or NAS)',
  'recorder.milestone': 'Milestone XProtect',
  'recorder.moonfire': 'Moonfire NVR',
  'recorder.scrypted': 'Scrypted NVR',

  'store.hikvision':
    "{{folder}} is a Hikvision recorder's store (SD card or NAS; {{path}}): its pre-allocated 256 MB hivNNNNN.mp4 files are reused in a ring and indexed by index00.bin, so each file holds many recordings and the recorder overwrites the oldest itself. Custodian must not delete its files: a deleted file would cut footage out of the recorder's own index. Let the recorder's own overwriting keep the time (set it to the policy's 2 months), or export to a folder Custodian governs.",
  'store.milestone':
    "{{folder}} is Milestone XProtect's recording database ({{path}}): recordings live in blocks the database keeps track of, not one file per recording. Custodian must not delete its files: the database would then point at footage that is not there and may break. Let XProtect's own retention keep the policy's 2 months.",
  'store.moonfire':
    "{{folder}} is a Moonfire NVR sample-file directory ({{path}}): the files are raw video samples without framing, and what they hold is only in Moonfire's SQLite database. Custodian must not delete its files: the database would then count recordings that are not there. Let Moonfire's own retention keep the policy's 2 months.",
  'store.scrypted':
    "{{folder}} is Scrypted NVR's storage volume ({{path}}): Scrypted keeps track of what the volume holds and clears it itself. Custodian must not delete its files: Scrypted's index would then point at footage that is not there. Let Scrypted NVR's own retention keep the policy's 2 months.",

  'alarmStore.hikvision':
    "Recording root {{root}} now holds a Hikvision recorder's ring store ({{paths}}). Its files must never be deleted one by one, so Custodian deletes nothing in this root while they are there; acknowledging this alarm does not lift the pause. Remove the root (custodian roots remove) or point the recorder elsewhere.",
  'alarmStore.milestone':
    "Recording root {{root}} now holds Milestone XProtect's recording database ({{paths}}). Its files must never be deleted one by one, so Custodian deletes nothing in this root while they are there; acknowledging this alarm does not lift the pause. Remove the root (custodian roots remove) or move the database.",
  'alarmStore.moonfire':
    'Recording root {{root}} now holds a Moonfire NVR sample-file directory ({{paths}}). Its files must never be deleted one by one, so Custodian deletes nothing in this root while they are there; acknowledging this alarm does not lift the pause. Remove the root (custodian roots remove) or move the directory.',
  'alarmStore.scrypted':
    "Recording root {{root}} now holds Scrypted NVR's storage volume ({{paths}}). Its files must never be deleted one by one, so Custodian deletes nothing in this root while they are there; acknowledging this alarm does not lift the pause. Remove the root (custodian roots remove) or move the volume.",

  refusedStore: "Paused: the root holds {{recorder}}'s store ({{path}}), whose files must never be deleted one by one. Nothing in the root is deleted until a scan sees it gone.",

  'kind.scheduled': 'scheduled',
  'kind.motion': 'motion',
  'kind.alarm': 'alarm',
  'kind.smart': 'smart event',

  'proposal.title': '{{folder}}: looks like {{recorder}} (layout {{layout}}).',
  'proposal.titlePattern': '{{folder}}: no preset fits; this pattern explains the names.',
  'proposal.pattern': 'Pattern: {{pattern}}',
  'proposal.zoneAgrees': 'Names are read in the time zone {{zone}}; the files\' modification times agree.',
  'proposal.zoneChanged': 'Names are read in the time zone {{zone}}, not {{default}}: only then do the files\' modification times agree.',
  'proposal.zoneUnchecked': "Names are read in the time zone {{zone}}; the files' modification times cannot confirm it (copied or touched files).",
  'proposal.counts': 'Looked at {{files}} files in {{folders}} folders: {{placed}} placed, {{companions}} companion files left alone, {{unplaced}} it cannot place (never indexed, never touched).',
  'proposal.countsPartial': 'Looked at a sample of a larger tree, {{files}} files in {{folders}} folders: {{placed}} placed, {{companions}} companion files left alone, {{unplaced}} it cannot place (never indexed, never touched).',
  'proposal.examples': 'What Custodian reads from a few of the files:',
  'proposal.unplaced': 'Files it cannot place:',
  'proposal.alternatives': 'Also fits: {{list}}.',
  'proposal.ambiguous': 'Another layout explains the names as well but reads them differently ({{others}}). Custodian does not guess: name the layout with --layout.',
  'proposal.empty': '{{folder}} holds no files yet, so the layout cannot be found by looking: name it with --layout NAME|PATTERN.',
  'proposal.none': "Custodian cannot tell how the recorder names its files in {{folder}}: of {{files}} files looked at, no preset or pattern places most. Name the layout with --layout NAME|PATTERN (see the README's layout table).",
  'proposal.fewPlaced': 'Only {{placed}} of {{files}} files can be placed with this layout; --yes takes only a proposal that places most. Name the layout with --layout if it is right all the same.',

  'col.path': 'file',
  'col.camera': 'camera',
  'col.start': 'start',
  'col.end': 'end',
  'col.kind': 'kind',
  'col.reason': 'why',
  'end.name': 'from the name',
  'end.file': "from the file's time",
  'end.estimate': 'estimated',

  'confirm.question': 'Register {{folder}} with layout {{layout}}? Nothing is indexed until you say yes. [y/N] ',
  'confirm.declined': 'Nothing was registered.',
  'confirm.needed': 'Nothing was registered: confirm the proposal with --yes, or name the layout with --layout {{layout}}.',
  'confirm.registered': 'Recording root #{{id}}: {{folder}} (layout {{layout}}{{zone}}).',

  noFolder: 'There is no folder {{folder}} on this machine.',
  badLang: '--lang must be sv or en, not "{{lang}}".',

  'ui.addRoot': 'Add a recording root',
  'ui.addRootHelp': 'Give the folder the recorder writes its files to. Custodian looks at the names, proposes a layout and shows what it would read; nothing is registered or indexed until you confirm.',
  'ui.folder': 'Folder on this computer',
  'ui.look': 'Look at the folder',
  'ui.looking': 'Looking …',
  'ui.useLayout': 'Register with layout {{layout}}',
  'ui.chooseLayout': 'Layout to register with',
  'ui.added': 'Recording root #{{id}} registered. It is indexed at the next scan.',
  'ui.cancel': 'Cancel',

  'segment.title': 'The recording at the cursor',
  'segment.span': '{{from}}–{{to}}',
  'segment.endFromName': 'end as the file name states',
  'segment.timeFromFile': "time from the file's own time (the path names only the day)",
  'segment.kind': 'kind: {{kind}}',
  'segment.none': 'No recording at the cursor.',
};
