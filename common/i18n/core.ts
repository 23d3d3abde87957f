/**
 * Namespace "core": words shared by every face (the generic error sentences). Swedish first;
 * `en` must have exactly the same keys (the type says so).
 */
export const sv = {
  unexpected: 'Något gick fel: {{detail}}',
  actorService: 'Custodian-tjänsten',
  rootRefusal: '{{root}}: {{reason}}',
} as const;

export const en: Record<keyof typeof sv, string> = {
  unexpected: 'Something went wrong: {{detail}}',
  actorService: 'the Custodian service',
  rootRefusal: '{{root}}: {{reason}}',
};
