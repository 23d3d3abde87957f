/**
 * Namespace "core": words shared by every face (the generic error sentences). Swedish first;
 * `en` must have exactly the same keys (the type says so).
 */
export const sv = {
  unexpected: 'Något gick fel: {{detail}}',
  actorService: 'Custodian-tjänsten',
  actorOs: '{{user}} (kommandoraden)',
  rootRefusal: '{{root}}: {{reason}}',
  /** A text from the record shown as it is (a name, a reason a person typed). */
  text: '{{text}}',
  /** A sentence that exists only as two renderings made elsewhere (a library's message). */
  bilingual: '{{sv}}',
  and: '{{first}} och {{last}}',
  auditUnknown: 'Händelse {{action}}',
  internalError: 'Custodian kunde inte slutföra det här på grund av ett internt fel; felet har loggats.',
  internalAnswer: 'Custodian kunde inte svara på grund av ett internt fel; felet har loggats.',
  noAnswer: 'Custodian svarade inte ({{detail}}).',
  someone: 'någon',

  dataFolderCreate: 'Det gick inte att skapa datamappen {{folder}}: {{detail}}.',
  dataFolderNotFolder: 'Datamappen {{folder}} är inte en mapp.',
  dataFolderMissing: 'Det finns ingen Custodian-datamapp i {{folder}}. Kör "custodian init --storage MAPP" först, eller ange --data.',
  dataFolderReadOnly: 'Datamappen {{folder}} går inte att skriva i (skrivskyddad?): {{detail}}',
  noSetting: 'Det finns ingen inställning "{{key}}".',
  badSetting: '"{{value}}" är inte ett giltigt värde för {{key}}: {{detail}}.',
  localSetting: '{{key}} pekar ut ett program eller en mapp på den här datorn: ändra den med kommandoraden där (custodian settings set {{key}} …).',
  timeZone: '"{{text}}" är inget tidszonsnamn (prova t.ex. Europe/Stockholm eller UTC).',
  notATime: '"{{text}}" är ingen tidpunkt; skriv den enligt ISO 8601, t.ex. 2026-11-25T14:30 eller 2026-11-25T14:30:00+01:00.',
  notARealTime: '"{{text}}" är ingen verklig tidpunkt.',
  rootExists: '{{folder}} är redan en inspelningsrot (nr {{root}}).',
  rootOverlaps: '{{folder}} överlappar inspelningsroten {{other}}: rötter får inte ligga i varandra.',
  noRoot: 'Det finns ingen inspelningsrot "{{root}}".',
  noRoots: 'Det finns inga inspelningsrötter: lägg till en med "custodian roots add MAPP".',
  invalidRequest: 'Begäran är inte giltig: {{issues}}.',
  invalidRequestMore: 'Begäran är inte giltig: {{issues}} (och {{count}} till).',
} as const;

export const en: Record<keyof typeof sv, string> = {
  unexpected: 'Something went wrong: {{detail}}',
  actorService: 'the Custodian service',
  actorOs: '{{user}} (command line)',
  rootRefusal: '{{root}}: {{reason}}',
  text: '{{text}}',
  bilingual: '{{en}}',
  and: '{{first}} and {{last}}',
  auditUnknown: 'Event {{action}}',
  internalError: 'Custodian could not finish this because of an internal error; it has been logged.',
  internalAnswer: 'Custodian could not answer because of an internal error; it has been logged.',
  noAnswer: 'Custodian did not answer ({{detail}}).',
  someone: 'someone',

  dataFolderCreate: 'Cannot create the data folder {{folder}}: {{detail}}.',
  dataFolderNotFolder: 'The data folder {{folder}} is not a folder.',
  dataFolderMissing: 'There is no Custodian data folder at {{folder}}. Run "custodian init --storage DIR" first, or pass --data.',
  dataFolderReadOnly: 'The data folder {{folder}} cannot be written (read-only?): {{detail}}',
  noSetting: 'There is no setting "{{key}}".',
  badSetting: '"{{value}}" is not a valid value for {{key}}: {{detail}}.',
  localSetting: '{{key}} names a program or folder on this machine: change it on the command line there (custodian settings set {{key}} …).',
  timeZone: '"{{text}}" is not a time zone name (try e.g. Europe/Stockholm or UTC).',
  notATime: '"{{text}}" is not a date-time; use ISO 8601, e.g. 2026-11-25T14:30 or 2026-11-25T14:30:00+01:00.',
  notARealTime: '"{{text}}" is not a real date-time.',
  rootExists: '{{folder}} is already a recording root (#{{root}}).',
  rootOverlaps: '{{folder}} overlaps the recording root {{other}}: roots may not be nested.',
  noRoot: 'There is no recording root "{{root}}".',
  noRoots: 'There are no recording roots: add one with "custodian roots add DIR".',
  invalidRequest: 'The request is not valid: {{issues}}.',
  invalidRequestMore: 'The request is not valid: {{issues}} (and {{count}} more).',
};
