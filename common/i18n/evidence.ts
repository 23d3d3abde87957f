/**
 * Namespace "evidence": the sentences of export packages (the viewer page, VERIFY.txt), of their
 * verification (each problem and the verdict, the same words in the CLI, the API and the app),
 * of handover receipts, and the errors of exports and handovers. Swedish first; `en` has exactly
 * the same keys (the type says so). Keys are flat (the catalogue's key separator is "."), with
 * a prefix per area: viewer…, verifyTxt…, problem…, verdict…, receipt…, err…, cli….
 */
export const sv = {
  // --- index.html, the package's viewer (rendered in the package's language) ---
  viewerPageTitle: 'Bevispaket',
  viewerIntro: 'Detta är ett exportpaket med inspelat material från kamerabevakning. Materialet innehåller personuppgifter: hantera det därefter och spara det inte längre än det behövs.',
  viewerIncident: 'Händelse',
  viewerReference: 'Diarienummer / referens',
  viewerTitle: 'Rubrik',
  viewerReason: 'Skäl till arkivering',
  viewerJustification: 'Motivering',
  viewerPeriod: 'Tidsperiod',
  viewerAudience: 'Mottagare',
  viewerController: 'Personuppgiftsansvarig',
  viewerDpo: 'Dataskyddsombud (DPO)',
  viewerPackageId: 'Paket-id',
  viewerCreatedAt: 'Skapat',
  viewerOperator: 'Exporterat av',
  viewerTimeZone: 'Tidszon',
  viewerTimesNote: 'Alla tider är lokal tid i {{tz}} med avvikelsen från UTC inom parentes, oavsett hur den här datorn är inställd.',
  viewerClips: 'Klipp',
  viewerCamera: 'Kamera',
  viewerZone: 'Område',
  viewerStart: 'Start',
  viewerEnd: 'Slut',
  viewerDuration: 'Längd',
  viewerAtPlayhead: 'Tid vid uppspelningspositionen',
  viewerSources: 'Ursprungliga filer',
  viewerRedaction: 'Maskering',
  viewerNotRedacted: 'Ingen maskering',
  viewerRedacted_one: 'Inbränd maskering ({{method}}, {{count}} område), omkodad med {{encoder}}',
  viewerRedacted_other: 'Inbränd maskering ({{method}}, {{count}} områden), omkodad med {{encoder}}',
  viewerNoClips: 'Paketet innehåller inga klipp.',
  viewerNoAudio: 'Klippen saknar ljud: ljudupptagning förekommer inte.',
  viewerFile: 'Fil',
  viewerVerifyHeading: 'Kontrollera att paketet är oförändrat',
  viewerVerifyText:
    'Filen VERIFY.txt i samma mapp beskriver hur du kontrollerar paketet utan Custodian: kontrollsummorna med "sha256sum -c SHA256SUMS" och signaturen över manifest.json med openssl och platsens publika nyckel (site-public.pem). manifest.json räknar upp varje fil i paketet, även den här sidan, med storlek och SHA-256. Jämför nyckelns fingeravtryck med det som står på överlämningskvittot.',
  viewerFingerprint: 'Nyckelns fingeravtryck (SHA-256)',
  viewerFingerprintHow: 'Räkna ut det själv i den här mappen:',
  viewerNoVideo: 'Webbläsaren kan inte spela upp videon här. Öppna filen direkt:',
  viewerFingerprintCompare:
    'Jämför de 64 tecknen med fingeravtrycket på överlämningskvittot och med det som platsen har gett er på annat sätt (t.ex. per telefon eller på sin webbplats). Stämmer alla tecken är paketet signerat med platsens nyckel; skiljer sig något tecken kommer paketet inte från platsen, eller så har nyckelfilen bytts ut.',
  viewerLanguage: 'Språk',
  viewerLanguageName: 'Svenska',
  'reason-crime-against-organisation': 'Brott begånget mot organisationen',
  'reason-crime-on-premises': 'Brott begånget mot annan i organisationens lokaler',
  'reason-other': 'Annat skäl',
  'reason-access-request': 'Begäran om registerutdrag (den registrerades rätt till tillgång, GDPR art. 15)',
  methodInPerson: 'personligen',
  'zone-staff': 'Personal',
  'zone-visitor': 'Besökare',
  'zone-mixed': 'Blandat (personal och besökare)',
  'audience-police': 'Polismyndigheten',
  'audience-hr': 'HR (internutredning)',
  'audience-data-subject': 'Den registrerade (begäran om utdrag)',

  // --- VERIFY.txt (both languages in one file: the header, then each language's body) ---
  verifyTxtSection: 'SVENSKA',
  verifyTxtNoClips: '(inga klipp)',
  verifyTxtBody: `Så kontrollerar du att paketet är oförändrat, utan Custodian. Öppna ett
terminalfönster i den här mappen (den som innehåller SHA256SUMS) och kör
kommandona nedan exakt som de står.

1. Kontrollsummor för alla filer (Linux; på macOS: {{sumsMac}}):

    {{sums}}

   Varje rad ska sluta med "OK" och inga varningar ska skrivas ut.
   sha256sum kontrollerar bara filerna som står i SHA256SUMS: mappen ska
   inte innehålla något annat än de filerna och SHA256SUMS själv.
   I Windows PowerShell: Get-FileHash -Algorithm SHA256 <fil>, och jämför
   med raden i SHA256SUMS.

2. Signaturen över manifest.json (kräver OpenSSL 3.0 eller senare):

    {{signature}}

   Ska skriva "Signature Verified Successfully". Då är manifest.json
   oförändrad sedan den signerades med nyckeln i {{publicKey}}.
   manifest.json räknar under "contents" upp varje fil i paketet (visaren
   index.html, den här filen, den publika nyckeln och klippen) med storlek
   och SHA-256; de ska vara samma som i SHA256SUMS. Klippen:

{{clips}}

3. Att nyckeln verkligen är platsens nyckel. Räkna ut fingeravtrycket:

    {{fingerprintCommand}}

   eller, utan sha256sum:

    {{fingerprintCommandOpenssl}}

   Resultatet ska vara:
    {{fingerprint}}

   Jämför det med fingeravtrycket på överlämningskvittot (eller det du
   har fått separat från den personuppgiftsansvarige). Signaturen bevisar
   ingenting om nyckeln i paketet har bytts ut tillsammans med den.

Med Custodian görs allt detta på en gång:

    {{custodian}}
`,

  // --- verification: each problem, then the verdict ---
  problemChangedManifest: 'dess SHA-256 är {{actual}}, det signerade manifestet anger {{expected}}',
  problemSizeManifest: 'den är {{actual}} byte, det signerade manifestet anger {{expected}}',
  problemChangedSums: 'dess SHA-256 är {{actual}}, SHA256SUMS anger {{expected}}',
  problemSumsDisagree: 'anger {{sums}} för {{file}}, det signerade manifestet anger {{manifest}}',
  problemMissingManifest: 'står i det signerade manifestet men finns inte i paketet',
  problemMissingSums: 'står i SHA256SUMS (rad {{line}}) men finns inte i paketet',
  problemNotInSums: 'nämner inte {{file}}, som står i det signerade manifestet',
  problemSumsExtra: 'nämner {{file}}, som inte står i det signerade manifestet',
  problemAdded: 'finns i paketet men står inte i det signerade manifestet',
  problemFolderAdded: 'en mapp som det signerade manifestet inte nämner',
  problemLink: 'är en symbolisk länk; ett paket innehåller bara vanliga filer',
  problemSpecial: 'är inte en vanlig fil (enhet, FIFO eller socket); ett paket innehåller bara vanliga filer',
  problemRequired: 'varje paket måste innehålla den',
  problemTooLarge: 'är större än vad Custodian skriver och kan inte vara den riktiga filen',
  problemCannotRead: 'kan inte läsas: {{error}}',
  problemCannotList: 'mappen kan inte listas: {{error}}',
  problemZipOpen: 'zip-filen kan inte öppnas (avkortad eller inte en zip-fil?): {{error}}',
  problemZipToc: 'zip-filens innehållsförteckning är skadad: {{error}}',
  problemZipEntry: 'kan inte läsas ur zip-filen (skadad?): {{error}}',
  problemZipTwice: 'finns två gånger i zip-filen',
  problemZipUnsafe: 'namnet pekar ut ur paketet eller är inte ett giltigt filnamn',
  problemSumsLine: 'rad {{line}} har inte formen "<sha256>  <fil>": {{text}}',
  problemSumsTwice: 'rad {{line}} anger {{file}} en gång till',
  problemManifestNotJson: 'är inte JSON: {{error}}',
  problemManifestInvalid: 'är inte ett giltigt paketmanifest: {{issues}}',
  problemManifestOldFormat: 'är i formatet {{format}}, vars signatur inte täcker visaren och instruktionerna; be om en ny export',
  problemBadSignature: 'manifest.sig är inte en giltig signatur av manifest.json med nyckeln i site-public.pem: manifestet ändrades efter signeringen, eller signaturen eller nyckeln byttes ut',
  problemPemInvalid: 'är inte en publik nyckel: {{error}}',
  problemKeyNotManifest: 'nyckelns fingeravtryck är {{actual}}, men det signerade manifestet anger {{expected}}',
  problemWrongKeySite: 'paketet är signerat med nyckeln {{actual}}, inte med den här platsens nyckel {{expected}}',
  problemWrongKeyExpected: 'paketet är signerat med nyckeln {{actual}}, inte med nyckeln du angav {{expected}}',
  verdictValidSite: 'Paketet är helt och giltigt: varje fil är som den signerades, och signaturen är gjord med den här platsens nyckel ({{fingerprint}}). {{clips}} klipp.',
  verdictValidExpected: 'Paketet är helt och giltigt: varje fil är som den signerades, och signaturen är gjord med nyckeln du angav ({{fingerprint}}). {{clips}} klipp.',
  verdictIntact:
    'Paketet är oskadat: varje fil är som det signerade manifestet anger, och det är signerat med nyckeln {{fingerprint}}. Det betyder något bara om det fingeravtrycket är detsamma som på överlämningskvittot: ingen nyckel angavs att jämföra med, så paketet kallas inte giltigt. Ange --expect-fingerprint HEX (från kvittot), eller kontrollera mot platsens datamapp.',
  verdictInvalid_one: 'Paketet är INTE helt: {{count}} fel nedan. Ingenting i det kan litas på.',
  verdictInvalid_other: 'Paketet är INTE helt: {{count}} fel nedan. Ingenting i det kan litas på.',
  verdictFingerprint: 'Signeringsnyckelns fingeravtryck (SHA-256): {{fingerprint}}',
  verdictFingerprintHow: 'Räkna ut det själv i paketmappen: {{command}}',
  verdictNoKey: 'Paketet har ingen läsbar publik nyckel, så det går inte att säga vem som signerade det.',

  // --- handover receipts (bilingual: each label "svenska / English") ---
  receiptTitle: 'Kvitto på överlämning av inspelat material',
  receiptShortTitle: 'Kvitto på överlämning',
  receiptHandover: 'Överlämning',
  receiptIncident: 'Ärende',
  receiptReason: 'Skäl',
  receiptRecipient: 'Mottagare',
  receiptTheirReference: 'Mottagarens referens',
  receiptMethod: 'Sätt',
  receiptTime: 'Tidpunkt',
  receiptHandedBy: 'Överlämnat av',
  receiptPackageId: 'Paket-id',
  receiptAudience: 'Paketet gjordes för',
  receiptManifestSha: 'Manifestets SHA-256',
  receiptClips: 'Antal klipp',
  receiptFingerprint: 'Signeringsnyckelns fingeravtryck (SHA-256)',
  receiptFingerprintHow: 'Mottagaren kontrollerar det med',
  receiptRecipientCopy: 'Mottagarens exemplar',
  receiptCopyOut: 'mappen {{path}}{{zip}} (skriven med --out): den är mottagarens, Custodian raderar den inte',
  receiptCopyZip: ' och {{path}}',
  receiptCopyHeld: 'det som laddades ned ur Custodian (paketet i {{path}} raderas med materialet)',
  receiptController: 'Personuppgiftsansvarig',
  receiptDpo: 'Dataskyddsombud',
  receiptNote: 'Anteckning',
  receiptAnchor: 'Förankring av loggkedjan',
  receiptAfterAll: 'Inget annat paket för ärendet väntar på överlämning: det arkiverade materialet hos {{controller}} och Custodians kopior av paketen raderas nu, och raderingen loggas.',
  receiptAfterPending: 'Det arkiverade materialet behålls tills paketen för {{pending}} har överlämnats eller kasserats; då raderas det, och raderingen loggas.',
  receiptSignatures: 'Underskrifter',
  receiptSignedBy: 'Överlämnat av',
  receiptReceivedBy: 'Mottaget av',

  // --- errors ---
  errAudience: 'Mottagaren måste vara police eller hr, inte "{{audience}}".',
  errNotArchived: '{{ref}} är {{status}}: bara ett arkiverat och exporterat ärende kan överlämnas.',
  errNotVerified: 'Paketet i {{path}} kan inte verifieras ({{problems}}); ingenting överlämnades.',
  errOtherIncident: 'Paketet gäller {{other}}, inte {{ref}}.',
  errOtherAudience: 'Paketet gjordes för {{made}}, inte {{to}}: exportera ett för {{to}} först.',
  errUnknownPackage: 'Paketet {{id}} exporterades inte av den här Custodian; exportera {{ref}} för {{to}} först.',
  errNoSuchPackage: 'Det finns inget paket {{id}}.',
  errAlreadyHandedOver: 'Paketet {{id}} överlämnades redan till {{organisation}} {{when}} (referens {{reference}}).',
  errDiscarded: 'Paketet {{id}} kasserades {{when}} ({{reason}}) och kan inte överlämnas.',
  errDiscardReason: 'Säg varför paketet inte ska överlämnas (--reason, minst en mening).',
  errDiscardHandedOver: 'Paketet {{id}} är redan överlämnat; ett överlämnat paket kan inte kasseras.',
  errDiscardTwice: 'Paketet {{id}} är redan kasserat.',
  errReference: 'Ange mottagarens referens (--reference: polisens diarienummer eller HR-ärendet).',
  errRecipient: 'Ange vem som tar emot materialet (--recipient).',
  errExpectFingerprint: '--expect-fingerprint ska vara ett SHA-256-fingeravtryck: 64 hexadecimala tecken (kolon och mellanslag får stå emellan), inte "{{value}}".',
  errNoSuchReceipt: 'Det finns inget kvitto för överlämning {{id}}.',
  errNoCopyHeld: 'Custodian har ingen kopia av paketet {{id}} längre (den raderades {{when}}).',
  errUploadUnknown: 'Uppladdningen finns inte (den är avslutad, har gått ut eller tillhör en annan session).',
  errUploadPath: '"{{path}}" är inte en sökväg inuti ett paket.',
  errUploadTooLarge: 'Uppladdningen är större än de {{max}} GB som tas emot för att verifiera ett paket.',
  errUploadTooMany: 'Ett paket har inte fler än {{max}} filer.',
  errUploadTwice: '{{path}} laddades upp två gånger.',
  errUploadZipAndFiles: 'Ladda upp antingen en zip-fil eller en mapps filer, inte båda.',
  errUploadEmpty: 'Ingenting laddades upp att verifiera.',
  errUploadBusy: 'För många verifieringar pågår samtidigt; försök igen om en stund.',

  // --- command line ---
  cliExported: 'Paket {{id}} för {{audience}}: {{dir}}{{zip}}',
  cliFingerprint: 'Signeringsnyckelns fingeravtryck: {{fingerprint}} (står på överlämningskvittot)',
  cliHandoverRecorded: 'Överlämning #{{id}} av paket {{package}} ({{ref}}) till {{organisation}} registrerad.',
  cliHandoverRetried: 'Överlämningen var redan registrerad; raderingen slutfördes.',
  cliMaterialKept: 'Materialet behålls: paketen för {{pending}} väntar fortfarande på överlämning (eller kassering).',
  cliMaterialDeleted: '{{count}} arkiverade filer och paketkopior raderade; ärendets status: {{status}}.',
  cliReceipt: 'Kvitto: {{pdf}} (och .html)',
  cliDiscarded: 'Paket {{id}} ({{audience}}) kasserat: {{reason}}.',
} as const;

export const en: Record<keyof typeof sv, string> = {
  viewerPageTitle: 'Evidence package',
  viewerIntro: 'This is an export package of recorded CCTV footage. It contains personal data: handle it accordingly and keep it no longer than needed.',
  viewerIncident: 'Incident',
  viewerReference: 'Reference',
  viewerTitle: 'Title',
  viewerReason: 'Reason for archiving',
  viewerJustification: 'Justification',
  viewerPeriod: 'Period',
  viewerAudience: 'Recipient',
  viewerController: 'Data controller',
  viewerDpo: 'Data protection officer (DPO)',
  viewerPackageId: 'Package id',
  viewerCreatedAt: 'Created',
  viewerOperator: 'Exported by',
  viewerTimeZone: 'Time zone',
  viewerTimesNote: 'All times are local time in {{tz}}, with the offset from UTC in brackets, whatever this computer is set to.',
  viewerClips: 'Clips',
  viewerCamera: 'Camera',
  viewerZone: 'Zone',
  viewerStart: 'Start',
  viewerEnd: 'End',
  viewerDuration: 'Length',
  viewerAtPlayhead: 'Time at the playhead',
  viewerSources: 'Original files',
  viewerRedaction: 'Redaction',
  viewerNotRedacted: 'Not redacted',
  viewerRedacted_one: 'Burned-in redaction ({{method}}, {{count}} area), re-encoded with {{encoder}}',
  viewerRedacted_other: 'Burned-in redaction ({{method}}, {{count}} areas), re-encoded with {{encoder}}',
  viewerNoClips: 'This package holds no clips.',
  viewerNoAudio: 'The clips have no sound: no audio is recorded.',
  viewerFile: 'File',
  viewerVerifyHeading: 'Check that the package is unchanged',
  viewerVerifyText:
    'VERIFY.txt in the same folder explains how to check the package without Custodian: the checksums with "sha256sum -c SHA256SUMS", and the signature over manifest.json with openssl and the site\'s public key (site-public.pem). manifest.json lists every file of the package, this page included, with its size and SHA-256. Compare the key\'s fingerprint with the one on the handover receipt.',
  viewerFingerprint: 'Key fingerprint (SHA-256)',
  viewerFingerprintHow: 'Compute it yourself in this folder:',
  viewerNoVideo: 'The browser cannot play this video here. Open the file directly:',
  viewerFingerprintCompare:
    "Compare the 64 characters with the fingerprint on the handover receipt and with the one the site gave you another way (e.g. by phone or on its website). If every character matches, the package was signed with the site's key; if any differs, the package did not come from the site, or its key file was replaced.",
  viewerLanguage: 'Language',
  viewerLanguageName: 'English',
  'reason-crime-against-organisation': 'Crime against the organisation',
  'reason-crime-on-premises': 'Crime against someone else on the premises',
  'reason-other': 'Other reason',
  'reason-access-request': "Access request (the data subject's right of access, GDPR art. 15)",
  methodInPerson: 'in person',
  'zone-staff': 'Staff',
  'zone-visitor': 'Visitors',
  'zone-mixed': 'Mixed (staff and visitors)',
  'audience-police': 'The Police',
  'audience-hr': 'HR (internal investigation)',
  'audience-data-subject': 'The data subject (access request)',

  verifyTxtSection: 'ENGLISH',
  verifyTxtNoClips: '(no clips)',
  verifyTxtBody: `How to check that this package is unchanged, without Custodian. Open a
terminal in this folder (the one holding SHA256SUMS) and run the commands
below exactly as written.

1. Checksums of every file (Linux; on macOS: {{sumsMac}}):

    {{sums}}

   Every line must end in "OK" and no warning may be printed.
   sha256sum checks only the files named in SHA256SUMS: the folder must
   hold nothing but those files and SHA256SUMS itself.
   In Windows PowerShell: Get-FileHash -Algorithm SHA256 <file>, and compare
   with the line in SHA256SUMS.

2. The signature over manifest.json (needs OpenSSL 3.0 or later):

    {{signature}}

   It must print "Signature Verified Successfully". manifest.json is then
   unchanged since it was signed with the key in {{publicKey}}.
   Under "contents", manifest.json lists every file of the package (the
   viewer index.html, this file, the public key and the clips) with its
   size and SHA-256; they must be the same as in SHA256SUMS. The clips:

{{clips}}

3. That the key really is the site's key. Compute its fingerprint:

    {{fingerprintCommand}}

   or, without sha256sum:

    {{fingerprintCommandOpenssl}}

   The result must be:
    {{fingerprint}}

   Compare it with the fingerprint on the handover receipt (or the one the
   data controller gave you separately). The signature proves nothing if
   the key in the package was replaced together with it.

With Custodian, all of this at once:

    {{custodian}}
`,

  problemChangedManifest: 'its SHA-256 is {{actual}}, the signed manifest says {{expected}}',
  problemSizeManifest: 'it is {{actual}} bytes, the signed manifest says {{expected}}',
  problemChangedSums: 'its SHA-256 is {{actual}}, SHA256SUMS says {{expected}}',
  problemSumsDisagree: 'says {{sums}} for {{file}}, the signed manifest says {{manifest}}',
  problemMissingManifest: 'named in the signed manifest but not in the package',
  problemMissingSums: 'listed in SHA256SUMS (line {{line}}) but not in the package',
  problemNotInSums: 'does not list {{file}}, which the signed manifest names',
  problemSumsExtra: 'lists {{file}}, which the signed manifest does not name',
  problemAdded: 'in the package but not named in the signed manifest',
  problemFolderAdded: 'a folder the signed manifest does not name',
  problemLink: 'is a symbolic link; a package holds only regular files',
  problemSpecial: 'is not a regular file (a device, FIFO or socket); a package holds only regular files',
  problemRequired: 'a package must contain it',
  problemTooLarge: 'is larger than anything Custodian writes there, so it cannot be the real file',
  problemCannotRead: 'cannot be read: {{error}}',
  problemCannotList: 'the folder cannot be listed: {{error}}',
  problemZipOpen: 'the zip cannot be opened (truncated or not a zip file?): {{error}}',
  problemZipToc: "the zip's table of contents is damaged: {{error}}",
  problemZipEntry: 'cannot be read from the zip (damaged?): {{error}}',
  problemZipTwice: 'appears twice in the zip',
  problemZipUnsafe: 'the name points out of the package or is not a usable file name',
  problemSumsLine: 'line {{line}} is not "<sha256>  <file>": {{text}}',
  problemSumsTwice: 'line {{line}} lists {{file}} a second time',
  problemManifestNotJson: 'is not JSON: {{error}}',
  problemManifestInvalid: 'is not a valid package manifest: {{issues}}',
  problemManifestOldFormat: 'is in format {{format}}, whose signature does not cover the viewer and the instructions; ask for a new export',
  problemBadSignature: 'manifest.sig is not a valid signature of manifest.json by the key in site-public.pem: the manifest was changed after it was signed, or the signature or key was replaced',
  problemPemInvalid: 'is not a public key: {{error}}',
  problemKeyNotManifest: "the key's fingerprint is {{actual}}, but the signed manifest says {{expected}}",
  problemWrongKeySite: "the package was signed with key {{actual}}, not with this site's key {{expected}}",
  problemWrongKeyExpected: 'the package was signed with key {{actual}}, not with the key you named {{expected}}',
  verdictValidSite: "The package is whole and valid: every file is as it was signed, and the signature was made with this site's key ({{fingerprint}}). {{clips}} clip(s).",
  verdictValidExpected: 'The package is whole and valid: every file is as it was signed, and the signature was made with the key you named ({{fingerprint}}). {{clips}} clip(s).',
  verdictIntact:
    'The package is intact: every file is as its signed manifest says, and it is signed by key {{fingerprint}}. That means something only if this fingerprint is the one on the handover receipt: no key was given to check it against, so the package is not called valid. Give --expect-fingerprint HEX (from the receipt), or check against the site\'s data folder.',
  verdictInvalid_one: 'The package is NOT whole: {{count}} problem below. Nothing in it can be relied on.',
  verdictInvalid_other: 'The package is NOT whole: {{count}} problems below. Nothing in it can be relied on.',
  verdictFingerprint: 'Signing key fingerprint (SHA-256): {{fingerprint}}',
  verdictFingerprintHow: 'Compute it yourself in the package folder: {{command}}',
  verdictNoKey: 'The package has no readable public key, so who signed it cannot be said.',

  receiptTitle: 'Handover receipt for recorded material',
  receiptShortTitle: 'Handover receipt',
  receiptHandover: 'Handover',
  receiptIncident: 'Incident',
  receiptReason: 'Reason',
  receiptRecipient: 'Recipient',
  receiptTheirReference: 'Their reference',
  receiptMethod: 'Method',
  receiptTime: 'Time',
  receiptHandedBy: 'Handed over by',
  receiptPackageId: 'Package id',
  receiptAudience: 'Package made for',
  receiptManifestSha: 'Manifest SHA-256',
  receiptClips: 'Clips',
  receiptFingerprint: 'Signing key fingerprint (SHA-256)',
  receiptFingerprintHow: 'The recipient checks it with',
  receiptRecipientCopy: "Recipient's copy",
  receiptCopyOut: "the folder {{path}}{{zip}} (written with --out): it is the recipient's; Custodian does not delete it",
  receiptCopyZip: ' and {{path}}',
  receiptCopyHeld: 'what was downloaded from Custodian (the package in {{path}} is deleted with the material)',
  receiptController: 'Data controller',
  receiptDpo: 'Data protection officer',
  receiptNote: 'Note',
  receiptAnchor: 'Record chain anchor',
  receiptAfterAll: "No other package of the incident waits for its handover: the archived material at {{controller}} and Custodian's copies of the packages are deleted now, and the deletion is logged.",
  receiptAfterPending: 'The archived material is kept until the packages for {{pending}} are handed over or discarded; then it is deleted, and the deletion logged.',
  receiptSignatures: 'Signatures',
  receiptSignedBy: 'Handed over by',
  receiptReceivedBy: 'Received by',

  errAudience: 'The audience must be police or hr, not "{{audience}}".',
  errNotArchived: '{{ref}} is {{status}}: only an archived and exported incident can be handed over.',
  errNotVerified: 'The package at {{path}} does not verify ({{problems}}); nothing was handed over.',
  errOtherIncident: 'The package is for {{other}}, not {{ref}}.',
  errOtherAudience: 'The package was made for {{made}}, not {{to}}: export one for {{to}} first.',
  errUnknownPackage: 'Package {{id}} was not exported by this Custodian; export {{ref}} for {{to}} first.',
  errNoSuchPackage: 'There is no package {{id}}.',
  errAlreadyHandedOver: 'Package {{id}} was already handed over to {{organisation}} on {{when}} (reference {{reference}}).',
  errDiscarded: 'Package {{id}} was discarded on {{when}} ({{reason}}) and cannot be handed over.',
  errDiscardReason: 'Say why the package will not be handed over (--reason, at least a sentence).',
  errDiscardHandedOver: 'Package {{id}} has been handed over; a handed-over package cannot be discarded.',
  errDiscardTwice: 'Package {{id}} is already discarded.',
  errReference: "Give the recipient's reference (--reference: the police report number or the HR case).",
  errRecipient: 'Name the person who receives the material (--recipient).',
  errExpectFingerprint: '--expect-fingerprint must be a SHA-256 fingerprint: 64 hex digits (colons and spaces may separate them), not "{{value}}".',
  errNoSuchReceipt: 'There is no receipt for handover {{id}}.',
  errNoCopyHeld: 'Custodian no longer holds a copy of package {{id}} (it was deleted on {{when}}).',
  errUploadUnknown: 'There is no such upload (it was finished, expired, or belongs to another session).',
  errUploadPath: '"{{path}}" is not a path inside a package.',
  errUploadTooLarge: 'The upload is larger than the {{max}} GB accepted for verifying a package.',
  errUploadTooMany: 'A package has no more than {{max}} files.',
  errUploadTwice: '{{path}} was uploaded twice.',
  errUploadZipAndFiles: "Upload either one zip file or a folder's files, not both.",
  errUploadEmpty: 'Nothing was uploaded to verify.',
  errUploadBusy: 'Too many verifications are running at once; try again in a moment.',

  cliExported: 'Package {{id}} for {{audience}}: {{dir}}{{zip}}',
  cliFingerprint: 'Signing key fingerprint: {{fingerprint}} (printed on the handover receipt)',
  cliHandoverRecorded: 'Handover #{{id}} of package {{package}} ({{ref}}) to {{organisation}} recorded.',
  cliHandoverRetried: 'The handover was already recorded; the deletion was finished.',
  cliMaterialKept: 'The material is kept: the packages for {{pending}} still wait for their handover (or a discard).',
  cliMaterialDeleted: 'Deleted {{count}} archived file(s) and package copies; incident status: {{status}}.',
  cliReceipt: 'Receipt: {{pdf}} (and .html)',
  cliDiscarded: 'Package {{id}} ({{audience}}) discarded: {{reason}}.',
};
