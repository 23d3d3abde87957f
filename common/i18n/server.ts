/**
 * Namespace "server": logins, sessions and browser mode (core/users.ts, core/login-gate.ts,
 * core/api, server/, `custodian user`). Swedish first; `en` has exactly the same keys.
 */
export const sv = {
  loginFailed: 'Fel användarnamn eller lösenord.',
  loginLocked: 'För många misslyckade inloggningar med det här namnet: försök igen efter {{until}}, eller be en administratör låsa upp det.',
  loginBusyName: 'En annan inloggning med det här namnet kontrolleras just nu; försök igen om {{seconds}} s.',
  loginBusyClient: 'Flera inloggningar härifrån kontrolleras redan; försök igen om {{seconds}} s.',
  loginBusy: 'Custodian kontrollerar redan så många inloggningar som det hinner; försök igen om {{seconds}} s.',
  loginBackoff: 'För många misslyckade inloggningar härifrån: vänta {{seconds}} s innan nästa försök.',
  noIncidentForHr: 'Det finns inget sådant ärende som har lämnats över till HR.',
  sessionRoleChanged: 'Din roll har ändrats; logga in igen.',
  sessionEnded: 'Sessionen har avslutats; logga in igen.',
  serverStopping: 'Servern stängs av.',
  nothingHere: 'Här finns ingenting.',
  badPath: 'Sökvägen går inte att läsa.',
  userUnlocked: '{{user}} är upplåst; misslyckade inloggningar är glömda.',
  userNotLocked: '{{user}} var inte låst; misslyckade inloggningar är glömda.',
  roleChanged: '{{user}} har nu rollen {{role}}; hens sessioner har avslutats.',
  logSuppressed: '… och {{count}} till av samma slag den senaste minuten ({{kind}}).',
} as const;

export const en: Record<keyof typeof sv, string> = {
  loginFailed: 'Wrong user name or password.',
  loginLocked: 'Too many failed logins for this name: try again after {{until}}, or ask an administrator to unlock it.',
  loginBusyName: 'Another login for this name is being checked; try again in {{seconds}} s.',
  loginBusyClient: 'Several logins from here are already being checked; try again in {{seconds}} s.',
  loginBusy: 'Custodian is already checking as many logins as it can; try again in {{seconds}} s.',
  loginBackoff: 'Too many failed logins from here: wait {{seconds}} s before the next attempt.',
  noIncidentForHr: 'There is no such incident handed over to HR.',
  sessionRoleChanged: 'Your role has changed; log in again.',
  sessionEnded: 'The session has ended; log in again.',
  serverStopping: 'The server is stopping.',
  nothingHere: 'There is nothing here.',
  badPath: 'The path cannot be read.',
  userUnlocked: '{{user}} is unlocked; failed logins are forgotten.',
  userNotLocked: '{{user}} was not locked; failed logins are forgotten.',
  roleChanged: '{{user}} now has the role {{role}}; their sessions have ended.',
  logSuppressed: '… and {{count}} more of the same kind in the last minute ({{kind}}).',
};
