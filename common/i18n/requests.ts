/**
 * Namespace "requests": access requests (POLICY G1, GDPR art. 15; issue 14): intake, the clock,
 * review, masking, the answer and its letter, the DPO's register and the report's G1 clause, and
 * the words of the requests screen. Swedish first; `en` has exactly the same keys (the type
 * says so). Keys are flat ("err.noCamera" is one key).
 */
export const sv = {
  // ---- Errors: each says what is wrong and what to do; nothing was written ----
  'err.name': 'Ange den sökandes namn (minst {{min}} tecken).',
  'err.contact': 'Ange hur den sökande nås (adress, e-post eller telefon; minst {{min}} tecken).',
  'err.identityCheckedBy': 'Ange vem som kontrollerade den sökandes identitet (minst {{min}} tecken).',
  'err.identityMethod': 'Ange hur identiteten kontrollerades, t.ex. ”körkort, visat i receptionen” (minst {{min}} tecken).',
  'err.description': 'Beskriv hur den sökande känns igen i filmen: kläder, vad hen gjorde (minst {{min}} tecken).',
  'err.extensionReason': 'Ange varför svaret behöver mer tid (minst {{min}} tecken).',
  'err.tooLong': '{{field}} är för lång (högst {{max}} tecken).',
  'err.idNumber':
    '{{field}} ser ut att innehålla ett person- eller id-nummer. Spara inte id-nummer: skriv vilken sorts handling som visades (t.ex. ”körkort”), inte dess nummer.',
  'err.language': 'Språket ”{{language}}” finns inte; svaret skrivs på svenska (sv) eller engelska (en).',
  'err.receivedFuture': 'Mottagningsdagen ligger i framtiden: ange den dag den undertecknade begäran kom in.',
  'err.noWindow': 'Ange minst en tid och plats (kamera, från–till) som den sökande har uppgett.',
  'err.windowNoCamera': 'Ange minst en kamera för tidsfönstret.',
  'err.windowOrder': 'Tidsfönstret slutar innan det börjar: ”till” måste vara efter ”från”.',
  'err.windowLong': 'Tidsfönstret är längre än de {{hours}} timmar som tillåts (inställningen maxIncidentWindowHours): be den sökande precisera tiden.',
  'err.noCamera': 'Det finns ingen kamera ”{{camera}}” (se kameralistan).',
  'err.noSuchRequest': 'Det finns ingen begäran ”{{ref}}” (se listan över begäranden).',
  'err.closed': 'Begäran {{ref}} är avslutad ({{status}}); den kan inte ändras.',
  'err.alreadyNotFound': 'För {{ref}} är redan beslutat att inga inspelningar hittades.',
  'err.extendedTwice': 'Begäran {{ref}} är redan förlängd (till och med {{due}}); den kan bara förlängas en gång.',
  'err.extendAfterDeadline':
    'Begäran {{ref}} kan inte förlängas: den första tidsfristen gick ut {{due}}. En förlängning måste beslutas och meddelas den sökande inom den första månaden.',
  'err.toldWhen': 'Ange när den sökande fick veta om förlängningen och varför (en dag från {{received}} till i dag).',
  'err.extendUntil': 'Den nya sista dagen måste ligga efter {{due}} och senast {{max}} (högst två månader till).',
  'err.holdOpen':
    'Spärr #{{hold}} håller kvar inspelningarna för begäran om registerutdrag {{ref}}. Den släpps när begäran är besvarad eller återkallad, eller när inga inspelningar av den sökande hittades.',
  'err.spanOutsideWindow':
    'Kamera {{camera}} {{from}} – {{to}} ligger utanför de tider och platser som {{ref}} spärrade. Lägg till tidsfönstret först (så att inspelningarna spärras), och markera sedan.',
  'err.spanNoRecordings': 'Det finns inga inspelningar från {{camera}} mellan {{from}} och {{to}}: inget att arkivera. Välj en tid med inspelningar, eller svara att inget hittades.',
  'err.cutFailed': 'Klippet från {{camera}} {{from}} – {{to}} kunde inte arkiveras ({{error}}). Spärren ligger kvar; markera igen.',
  'err.noSuchClip': 'Begäran {{ref}} har inget klipp #{{clip}}.',
  'err.clipNotThere': 'Klipp #{{clip}} i {{ref}} är {{status}}; det finns inte i arkivet.',
  'err.reason': 'Ange varför (minst {{min}} tecken).',
  'err.notFoundWithClips': '{{ref}} har {{clips}} arkiverade klipp av den sökande; ta bort markeringarna först om inget av dem visar hen.',
  'err.notFoundNote': 'Säg vad som söktes igenom och varför den sökande inte syns (minst {{min}} tecken).',
  'err.clipChanged': 'Filen {{path}} ({{ref}}, #{{clip}}) stämmer inte längre med sin kontrollsumma; inget gjordes av den. Kontrollera arkivet.',
  'err.assistedUnavailable': '{{detail}}',
  'err.badTracks': 'Maskspåren går inte att använda: {{detail}}.',
  'err.noMasks':
    'Klipp #{{clip}} i {{ref}} har inga sparade masker. Rita in alla andra personer (eller föreslå spår och välj den sökandes), eller spara en tom mask om ingen annan syns.',
  'err.burnFailed': 'Maskerna kunde inte brännas in i klipp #{{clip}} ({{error}}). Inget skickades; försök igen.',
  'err.notPreviewed': 'Klipp #{{clip}} i {{ref}}: maskerna har ändrats sedan förhandsvisningen gjordes. Gör en ny förhandsvisning och titta igenom den innan svaret skapas.',
  'err.nothingToAnswer': '{{ref}} har inga granskade klipp. Markera var den sökande syns, eller svara att inga inspelningar hittades.',
  'err.notReady': 'Svaret på {{ref}} är inte färdigt ({{status}}): skapa svaret först.',
  'err.alreadyDelivered': 'Svaret på {{ref}} lämnades ut {{when}}.',
  'err.method': 'Ange hur svaret lämnades ut (t.ex. personligen, med post).',
  'err.noPackageHeld': 'Custodian har ingen kopia av paketet för {{ref}} att ladda ner (skrivet någon annanstans, eller redan raderat).',
  'err.badOffset': 'Positionen {{offset}} ligger utanför paketet ({{size}} byte).',

  // ---- Warnings (the request is registered all the same) ----
  'warn.windowEmpty': 'Det finns inga inspelningar från {{cameras}} mellan {{from}} och {{to}}; spärren gäller ändå.',
  'warn.alreadyOverdue': 'Begäran {{ref}} registrerades efter sin tidsfrist ({{due}}): den är redan försenad.',

  // ---- Alarms ----
  'alarm.dueSoon': 'Begäran om registerutdrag {{ref}} ska vara besvarad senast {{due}} ({{days}} dagar kvar).',
  'alarm.overdue': 'Begäran om registerutdrag {{ref}} skulle ha besvarats senast {{due}}: den är försenad. Svara nu, och berätta för dataskyddsombudet varför.',
  'alarm.audio': 'Kamera {{camera}} har spelat in ljud (upptäckt när {{ref}} arkiverades). Policyn säger att ljud inte spelas in (P7): stäng av mikrofonen. Klippet gjordes utan ljud.',
  'alarm.deleteFailed': '{{count}} fil(er) för {{ref}} kunde inte raderas nu ({{reason}}). Kör samma kommando igen för att avsluta; materialet får inte sparas.',

  // ---- The package's case ----
  'package.title': 'Begäran om registerutdrag: kamerabevakning',
  'package.justification': 'Utdrag ur kamerabevakningen enligt den registrerades rätt till tillgång (GDPR art. 15). Alla andra personer är maskerade (art. 15.4).',

  // ---- The letter ----
  'letter.title': 'Svar på din begäran om registerutdrag: kamerabevakning',
  'letter.toHeading': 'Till',
  'letter.to': '{{name}}, {{contact}}',
  'letter.received':
    'Vi tog emot din undertecknade begäran den {{received}} (vårt ärende {{ref}}). Din identitet kontrollerades ({{method}}). Här är svaret, enligt din rätt att få tillgång till de personuppgifter om dig som vi behandlar (dataskyddsförordningen, GDPR, artikel 15).',
  'letter.foundHeading': 'Vad vi har hittat',
  'letter.found': 'Vi har hittat {{clips}} inspelning(ar) där du syns. De finns i det bifogade paketet, med tider och kameror nedan.',
  'letter.notFound': 'Vi har inte hittat några inspelningar av dig. Inget material om dig från kamerabevakningen finns därför att lämna ut.',
  'letter.searched': 'Vi har sökt igenom inspelningarna från dessa kameror och tider, som du uppgav:',
  'letter.colCameras': 'Kameror',
  'letter.colWindow': 'Tid',
  'letter.clipsHeading': 'Inspelningarna',
  'letter.colCamera': 'Kamera',
  'letter.colTime': 'Från – till',
  'letter.colMasked': 'Maskerade personer (spår)',
  'letter.maskedHeading': 'Vad som är maskerat och varför',
  'letter.masked':
    'Andra personer som syns i inspelningarna har dolts med svarta rutor som är inbrända i filmen (den är omkodad och det dolda går inte att återskapa). Din rätt till en kopia får inte inkräkta på andras rättigheter och friheter (GDPR artikel 15.4). Filmerna har inget ljud.',
  'letter.packageHeading': 'Paketet',
  'letter.package':
    'Paketet {{id}} innehåller {{clips}} film(er), en sida (index.html) som spelar dem med sina verkliga tider, och detta brev. Öppna index.html i en webbläsare.',
  'letter.packageVerify':
    'Paketet är undertecknat digitalt. Du kan kontrollera att inget är ändrat med kommandona i VERIFY.txt (sha256sum och openssl), utan något program från oss.',
  'letter.fingerprint': 'Nyckelns fingeravtryck (ska stämma med det kontrollen visar): {{fingerprint}}',
  'letter.purposeHeading': 'Ändamål och rättslig grund',
  'letter.purpose':
    'Ändamålet med kamerabevakningen är att i första hand avskräcka personer från att begå brott mot oss och i andra hand underlätta utredning i det fall brott har begåtts.',
  'letter.legalBasis':
    'Rättslig grund: intresseavvägning (berättigat intresse, GDPR artikel 6.1 f). Näringsidkare får i förebyggande och utredande syfte bedriva kamerabevakning; eftersom bevakningen inte sker där allmänheten har tillträde krävs inte tillstånd enligt kamerabevakningslagen.',
  'letter.retentionHeading': 'Hur länge inspelningar sparas',
  'letter.retention':
    'Inspelat material sparas i {{months}} månader och spelas sedan över automatiskt. Material som arkiveras för ett ärende sparas aldrig längre än det behövs, högst till dess det har lämnats över till Polismyndigheten eller HR. Kopiorna som gjordes för detta svar raderas när svaret har lämnats ut.',
  'letter.recipientsHeading': 'Mottagare',
  'letter.recipients':
    'Inspelningar lämnas bara ut när det krävs: till Polismyndigheten när ett brott har anmälts, och till HR när en intern utredning behöver dem. Ingen annan får tillgång till dem.',
  'letter.rightsHeading': 'Dina rättigheter',
  'letter.rights':
    'Du har rätt att få veta vilka personuppgifter om dig vi behandlar (det här svaret), att få felaktiga uppgifter rättade, att begära att uppgifter raderas eller att behandlingen begränsas, och att invända mot behandling som grundas på en intresseavvägning.',
  'letter.noAudio': 'Ljud spelas aldrig in.',
  'letter.contactHeading': 'Frågor och klagomål',
  'letter.contact': 'Personuppgiftsansvarig är {{controller}}. Vid frågor om kamerabevakningen, kontakta vårt dataskyddsombud: {{dpo}}.',
  'letter.complaint':
    'Är du inte nöjd med hur vi hanterar dina personuppgifter har du rätt att lämna klagomål till Integritetsskyddsmyndigheten (IMY), som är tillsynsmyndighet: imy.se, telefon 08-657 61 00.',
  'letter.signatureHeading': 'Med vänliga hälsningar',
  'letter.closing': '{{controller}}',
  'letter.signedBy': 'Underskrift och namnförtydligande',

  // ---- The compliance report's G1 facts ----
  'g1.none': 'Ingen begäran om registerutdrag togs emot eller var öppen under perioden.',
  'g1.received': '{{count}} begäran/begäranden om registerutdrag togs emot under perioden.',
  'g1.inTime': '{{ref}} (mottagen {{received}}) besvarades {{answered}}, efter {{days}} dagar, inom tidsfristen {{due}}.',
  'g1.late': '{{ref}} (mottagen {{received}}) besvarades {{answered}}, efter {{days}} dagar: {{daysLate}} dagar efter tidsfristen {{due}}.',
  'g1.extended': '{{ref}} förlängdes från {{firstDue}} till {{due}}: {{reason}} (den sökande fick veta {{told}}).',
  'g1.extendedLate': '{{ref}} förlängdes, eller den sökande fick veta det ({{told}}), efter den första tidsfristen {{firstDue}}.',
  'g1.withdrawn': '{{ref}} (mottagen {{received}}) återkallades {{at}}.',
  'g1.overdue': '{{ref}} (mottagen {{received}}) är inte besvarad och tidsfristen {{due}} har gått ut ({{days}} dagar sedan).',
  'g1.open': '{{ref}} (mottagen {{received}}) är öppen, med {{daysLeft}} dagar kvar till {{due}}.',
  'g1.materialLeft': '{{ref}} är avslutad men {{files}} fil(er) av dess material finns kvar på disken, t.ex. {{path}}.',
  'g1.holdLeft': '{{ref}} är avslutad men spärr #{{hold}} gäller fortfarande.',
} as const;

export const en: Record<keyof typeof sv, string> = {
  'err.name': "Give the requester's name (at least {{min}} characters).",
  'err.contact': 'Say how to reach the requester (address, e-mail or phone; at least {{min}} characters).',
  'err.identityCheckedBy': "Say who checked the requester's identity (at least {{min}} characters).",
  'err.identityMethod': 'Say how the identity was checked, e.g. "driving licence, shown at reception" (at least {{min}} characters).',
  'err.description': 'Describe how to recognise the requester in the footage: clothes, what they did (at least {{min}} characters).',
  'err.extensionReason': 'Say why the answer needs more time (at least {{min}} characters).',
  'err.tooLong': '{{field}} is too long (at most {{max}} characters).',
  'err.idNumber':
    '{{field}} seems to hold a personal identity or ID number. Do not store ID numbers: write which kind of document was shown (e.g. "driving licence"), not its number.',
  'err.language': 'There is no language "{{language}}"; the answer is written in Swedish (sv) or English (en).',
  'err.receivedFuture': 'The day of receipt is in the future: give the day the signed request arrived.',
  'err.noWindow': 'Give at least one time and place (camera, from–to) the requester named.',
  'err.windowNoCamera': 'Name at least one camera for the window.',
  'err.windowOrder': 'The window ends before it starts: "to" must be after "from".',
  'err.windowLong': 'The window is longer than the {{hours}} hours allowed (setting maxIncidentWindowHours): ask the requester to narrow the time down.',
  'err.noCamera': 'There is no camera "{{camera}}" (see the camera list).',
  'err.noSuchRequest': 'There is no request "{{ref}}" (see the list of requests).',
  'err.closed': 'Request {{ref}} is closed ({{status}}); it cannot be changed.',
  'err.alreadyNotFound': 'For {{ref}} it was already decided that no recordings were found.',
  'err.extendedTwice': 'Request {{ref}} was already extended (to {{due}}); it can be extended only once.',
  'err.extendAfterDeadline':
    'Request {{ref}} cannot be extended: its first deadline passed on {{due}}. An extension must be decided, and the requester told, within the first month.',
  'err.toldWhen': 'Give the day the requester was told of the extension and why (a day from {{received}} to today).',
  'err.extendUntil': 'The new last day must be after {{due}} and at most {{max}} (at most two more months).',
  'err.holdOpen':
    "Hold #{{hold}} keeps the recordings for access request {{ref}}. It is released when the request is answered or withdrawn, or when no recordings of the requester were found.",
  'err.spanOutsideWindow':
    'Camera {{camera}} {{from}} – {{to}} is outside the times and places {{ref}} froze. Add the window first (so its recordings are held), then mark it.',
  'err.spanNoRecordings': 'There are no recordings from {{camera}} between {{from}} and {{to}}: nothing to archive. Choose a time with recordings, or answer that nothing was found.',
  'err.cutFailed': 'The clip from {{camera}} {{from}} – {{to}} could not be archived ({{error}}). The hold stays; mark it again.',
  'err.noSuchClip': 'Request {{ref}} has no clip #{{clip}}.',
  'err.clipNotThere': 'Clip #{{clip}} of {{ref}} is {{status}}; it is not in the archive.',
  'err.reason': 'Say why (at least {{min}} characters).',
  'err.notFoundWithClips': '{{ref}} has {{clips}} archived clip(s) of the requester; take those marks back first if none of them shows them.',
  'err.notFoundNote': 'Say what was searched and why the requester is not in it (at least {{min}} characters).',
  'err.clipChanged': 'The file {{path}} ({{ref}}, #{{clip}}) no longer matches its checksum; nothing was made from it. Check the archive.',
  'err.assistedUnavailable': '{{detail}}',
  'err.badTracks': 'The mask tracks cannot be used: {{detail}}.',
  'err.noMasks':
    "Clip #{{clip}} of {{ref}} has no saved masks. Draw every other person (or propose tracks and pick the requester's), or save an empty set if nobody else is in it.",
  'err.burnFailed': 'The masks could not be burned into clip #{{clip}} ({{error}}). Nothing was sent; try again.',
  'err.notPreviewed': 'Clip #{{clip}} of {{ref}}: the masks changed after the preview was made. Make a new preview and look through it before the answer is made.',
  'err.nothingToAnswer': '{{ref}} has no reviewed clips. Mark where the requester appears, or answer that no recordings were found.',
  'err.notReady': 'The answer to {{ref}} is not ready ({{status}}): make the answer first.',
  'err.alreadyDelivered': 'The answer to {{ref}} was delivered on {{when}}.',
  'err.method': 'Say how the answer was delivered (e.g. in person, by post).',
  'err.noPackageHeld': 'Custodian holds no copy of the package for {{ref}} to download (written elsewhere, or already deleted).',
  'err.badOffset': 'Position {{offset}} is outside the package ({{size}} bytes).',

  'warn.windowEmpty': 'There are no recordings from {{cameras}} between {{from}} and {{to}}; the hold applies all the same.',
  'warn.alreadyOverdue': 'Request {{ref}} was registered after its deadline ({{due}}): it is already late.',

  'alarm.dueSoon': 'Access request {{ref}} must be answered by {{due}} ({{days}} days left).',
  'alarm.overdue': 'Access request {{ref}} should have been answered by {{due}}: it is late. Answer it now, and tell the data protection officer why.',
  'alarm.audio': 'Camera {{camera}} recorded sound (found while archiving {{ref}}). The policy says no audio is recorded (P7): turn off the microphone. The clip was made without it.',
  'alarm.deleteFailed': '{{count}} file(s) of {{ref}} could not be deleted now ({{reason}}). Run the same command again to finish; the material must not be kept.',

  'package.title': 'Access request: camera surveillance',
  'package.justification': "An extract of the camera surveillance under the data subject's right of access (GDPR art. 15). Every other person is masked (art. 15(4)).",

  'letter.title': 'Reply to your access request: camera surveillance',
  'letter.toHeading': 'To',
  'letter.to': '{{name}}, {{contact}}',
  'letter.received':
    'We received your signed request on {{received}} (our reference {{ref}}). Your identity was checked ({{method}}). This is our answer, under your right of access to the personal data about you that we process (General Data Protection Regulation, GDPR, Article 15).',
  'letter.foundHeading': 'What we found',
  'letter.found': 'We found {{clips}} recording(s) in which you appear. They are in the enclosed package, with their times and cameras below.',
  'letter.notFound': 'We found no recordings of you. There is therefore no material about you from the camera surveillance to give you.',
  'letter.searched': 'We searched the recordings of these cameras and times, which you gave:',
  'letter.colCameras': 'Cameras',
  'letter.colWindow': 'Time',
  'letter.clipsHeading': 'The recordings',
  'letter.colCamera': 'Camera',
  'letter.colTime': 'From – to',
  'letter.colMasked': 'People masked (tracks)',
  'letter.maskedHeading': 'What is masked, and why',
  'letter.masked':
    'Other people who appear in the recordings are hidden by black boxes burned into the film (it was re-encoded; what is hidden cannot be recovered). Your right to a copy must not adversely affect the rights and freedoms of others (GDPR Article 15(4)). The films have no sound.',
  'letter.packageHeading': 'The package',
  'letter.package': 'Package {{id}} holds {{clips}} film(s), a page (index.html) that plays them with their real times, and this letter. Open index.html in a web browser.',
  'letter.packageVerify': 'The package is digitally signed. You can check that nothing was changed with the commands in VERIFY.txt (sha256sum and openssl), without any program of ours.',
  'letter.fingerprint': "The key's fingerprint (it must match what the check shows): {{fingerprint}}",
  'letter.purposeHeading': 'Purposes and legal basis',
  'letter.purpose': 'The camera surveillance is there first to deter people from committing crimes against us, and second to help investigate crimes that were committed.',
  'letter.legalBasis':
    'Legal basis: a balancing of interests (legitimate interest, GDPR Article 6(1)(f)). Businesses may run camera surveillance to prevent and investigate crime; as the surveillance is not in places the public has access to, no permit is required under the Swedish Camera Surveillance Act.',
  'letter.retentionHeading': 'How long recordings are kept',
  'letter.retention':
    'Recordings are kept {{months}} months and then overwritten automatically. Material archived for a case is never kept longer than needed, at most until it has been handed over to the Police or HR. The copies made for this answer are deleted once it has been delivered.',
  'letter.recipientsHeading': 'Recipients',
  'letter.recipients': 'Recordings are given out only when needed: to the Police when a crime was reported, and to HR when an internal investigation needs them. Nobody else has access to them.',
  'letter.rightsHeading': 'Your rights',
  'letter.rights':
    'You have the right to know which personal data about you we process (this answer), to have incorrect data corrected, to ask for data to be erased or its processing restricted, and to object to processing based on a balancing of interests.',
  'letter.noAudio': 'Sound is never recorded.',
  'letter.contactHeading': 'Questions and complaints',
  'letter.contact': 'The data controller is {{controller}}. For questions about the camera surveillance, contact our data protection officer: {{dpo}}.',
  'letter.complaint':
    'If you are not satisfied with how we handle your personal data, you have the right to complain to the Swedish Authority for Privacy Protection (IMY), the supervisory authority: imy.se, telephone +46 8 657 61 00.',
  'letter.signatureHeading': 'Yours sincerely',
  'letter.closing': '{{controller}}',
  'letter.signedBy': 'Signature and name in capitals',

  'g1.none': 'No access request was received or open in the period.',
  'g1.received': '{{count}} access request(s) were received in the period.',
  'g1.inTime': '{{ref}} (received {{received}}) was answered {{answered}}, after {{days}} days, within its deadline {{due}}.',
  'g1.late': '{{ref}} (received {{received}}) was answered {{answered}}, after {{days}} days: {{daysLate}} days after its deadline {{due}}.',
  'g1.extended': '{{ref}} was extended from {{firstDue}} to {{due}}: {{reason}} (the requester was told {{told}}).',
  'g1.extendedLate': '{{ref}} was extended, or the requester told of it ({{told}}), after the first deadline {{firstDue}}.',
  'g1.withdrawn': '{{ref}} (received {{received}}) was withdrawn {{at}}.',
  'g1.overdue': '{{ref}} (received {{received}}) is not answered and its deadline {{due}} has passed ({{days}} days ago).',
  'g1.open': '{{ref}} (received {{received}}) is open, {{daysLeft}} days left to {{due}}.',
  'g1.materialLeft': '{{ref}} is closed but {{files}} file(s) of its material are still on disk, e.g. {{path}}.',
  'g1.holdLeft': '{{ref}} is closed but hold #{{hold}} still stands.',
};
