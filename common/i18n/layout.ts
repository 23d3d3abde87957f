/**
 * Namespace "layout": what is wrong with a layout pattern, and why a path is not read as a
 * recording (common/layout.ts; the settings' live preview shows the same words). Swedish first;
 * `en` has exactly the same keys.
 */
export const sv = {
  unclosedQuote: 'Tidsdelen "{{part}}" i mönstret har ett citattecken som inte avslutas.',
  badToken: 'Tidsdelen "{{part}}" i mönstret använder "{{token}}", som mönster inte stöder; använd yyyy, yy, MM, dd, HH, mm, ss, SSS och \'text inom citattecken\'.',
  unclosedBrace: 'Delen "{{part}}" i mönstret har en "{" som inte avslutas.',
  emptyBraces: 'Delen "{{part}}" i mönstret har ett tomt "{}".',
  strayBrace: 'Delen "{{part}}" i mönstret har en "}" utan "{".',
  notAPattern: '"{{text}}" är varken ett förval ({{presets}}) eller ett mönster med {camera} och en tid.',
  notRelative: 'Mönstret "{{pattern}}" måste vara relativt roten, med "/" mellan delarna och inget i början eller slutet.',
  dots: 'Mönstret "{{pattern}}" får inte innehålla "{{part}}".',
  noCamera: 'Mönstret "{{pattern}}" saknar {camera}: Custodian skulle inte kunna skilja kamerorna åt.',
  noTime: 'Mönstret "{{pattern}}" saknar en hel starttid: det behöver år, månad, dag, timme och minut (t.ex. {yyyy-MM-dd}/{HH-mm-ss}).',
  badCamera: 'kamera-id:t "{{camera}}" går inte att använda',
  badTime: 'tiden i namnet är ingen verklig tid',
  badDate: 'datumet i namnet är inget verkligt datum',
  wrongDepth: 'inte på det djup mönstret väntar sig',
  noMatch: '"{{name}}" stämmer inte med "{{part}}"',
  disagree: 'delar av sökvägen säger emot varandra',
} as const;

export const en: Record<keyof typeof sv, string> = {
  unclosedQuote: 'Layout time part "{{part}}" has an unclosed quote.',
  badToken: 'Layout time part "{{part}}" uses "{{token}}", which layouts do not support; use yyyy, yy, MM, dd, HH, mm, ss, SSS and \'quoted text\'.',
  unclosedBrace: 'Layout component "{{part}}" has an unclosed "{".',
  emptyBraces: 'Layout component "{{part}}" has an empty "{}".',
  strayBrace: 'Layout component "{{part}}" has a "}" without "{".',
  notAPattern: '"{{text}}" is neither a layout preset ({{presets}}) nor a pattern with {camera} and a time.',
  notRelative: 'Layout "{{pattern}}" must be relative to the root, with "/" between components and none at either end.',
  dots: 'Layout "{{pattern}}" may not contain "{{part}}".',
  noCamera: 'Layout "{{pattern}}" has no {camera}: Custodian could not tell cameras apart.',
  noTime: 'Layout "{{pattern}}" has no full start time: it needs year, month, day, hour and minute (e.g. {yyyy-MM-dd}/{HH-mm-ss}).',
  badCamera: 'camera id "{{camera}}" is not usable',
  badTime: 'the time in the name is not a real time',
  badDate: 'the date in the name is not a real date',
  wrongDepth: 'not at the depth the layout expects',
  noMatch: '"{{name}}" does not match "{{part}}"',
  disagree: 'parts of the path disagree',
};
