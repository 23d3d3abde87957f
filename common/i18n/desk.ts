/**
 * Namespace "desk": the security desk's stills (timeline thumbnails, the camera's current frame
 * for the mask editor), password resets by an administrator, live incident state, and the
 * settings that the policy fixes. Swedish first; `en` has the same keys.
 */
export const sv = {
  thumbnailUnavailable: 'Det finns ingen stillbild av inspelning nr {{segment}}: den har raderats eller gick inte att läsa.',
  thumbnailNotAVideo: 'Inspelning nr {{segment}} har ingen bild att göra en stillbild av.',
  frameNoRecording: 'Kameran {{camera}} har ingen inspelning att visa en bild ur just nu (ingen inspelning på en tillgänglig inspelningsrot).',
  alarmThumbnailChanged: 'Stillbilden {{path}} är inte den fil Custodian skrev (storlek eller kontrollsumma skiljer sig). Custodian raderar bara sina egna filer och lät den vara; kontrollera mappen och ta bort filen för hand om den inte behövs.',
  thumbnailsDeleteFailed: '{{count}} stillbilder av raderade inspelningar kunde inte raderas nu ({{reason}}); Custodian försöker igen vid nästa svep.',
  passwordTooShort: 'Lösenordet måste ha minst {{min}} tecken.',
};

export const en: Record<keyof typeof sv, string> = {
  thumbnailUnavailable: 'There is no still of recording #{{segment}}: it has been deleted or could not be read.',
  thumbnailNotAVideo: 'Recording #{{segment}} has no picture to make a still of.',
  frameNoRecording: 'Camera {{camera}} has no recording to show a picture from right now (none on a recording root that is online).',
  alarmThumbnailChanged: 'The still {{path}} is not the file Custodian wrote (its size or checksum differs). Custodian deletes only its own files and left it alone; check the folder and remove the file by hand if it is not needed.',
  thumbnailsDeleteFailed: '{{count}} stills of deleted recordings could not be deleted now ({{reason}}); Custodian tries again at the next sweep.',
  passwordTooShort: 'The password must have at least {{min}} characters.',
};
