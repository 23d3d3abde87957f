/** Namespace "check": what `custodian check` found, Swedish first. */
export const sv = {
  heldDeleted: '{{count}} inspelningar raderades medan en spärr som omfattade dem gällde.',
  loggedTwice: '{{count}} inspelningar står som raderade mer än en gång i raderingsloggen.',
  deletedButPresent: '{{count}} inspelningar står som raderade men finns i indexet igen (samma kamera och starttid).',
  deletedOutsideRoot: '{{count}} raderade filer låg utanför sin inspelningsrot.',
  indexedButGone: '{{count}} indexerade inspelningar finns inte på disken (nästa skanning tar upp det).',
  rootOffline: 'Inspelningsroten {{root}} är inte tillgänglig: den kunde inte kontrolleras.',
  keptPastDue: 'Den äldsta inspelningen utan spärr är {{hours}} timmar över sin raderingstid.',
  deletionInFlight: '{{count}} raderingar är påbörjade men inte avslutade (nästa svep avslutar dem).',
  heldMissing: '{{count}} spärrade inspelningar saknas på disken.',
  auditBroken: 'Granskningsloggens kedja är bruten: {{detail}}',
  allHeld: 'Inga fel: varje kontroll höll.',
  summary: 'Kontrollerade {{segments}} inspelningar, {{deletions}} raderingar och {{roots}} inspelningsrötter.',
} as const;

export const en: Record<keyof typeof sv, string> = {
  heldDeleted: '{{count}} recordings were deleted while a hold covering them was in force.',
  loggedTwice: '{{count}} recordings are logged as deleted more than once.',
  deletedButPresent: '{{count}} recordings are logged as deleted but are indexed again (same camera and start).',
  deletedOutsideRoot: '{{count}} deleted files were outside their recording root.',
  indexedButGone: '{{count}} indexed recordings are not on the disk (the next scan will notice).',
  rootOffline: 'The recording root {{root}} is not available: it could not be checked.',
  keptPastDue: 'The oldest unheld recording is {{hours}} hours past its deletion time.',
  deletionInFlight: '{{count}} deletions were started and not finished (the next sweep finishes them).',
  heldMissing: '{{count}} held recordings are missing from the disk.',
  auditBroken: 'The audit chain is broken: {{detail}}',
  allHeld: 'No faults: every check held.',
  summary: 'Checked {{segments}} recordings, {{deletions}} deletions and {{roots}} recording roots.',
};
