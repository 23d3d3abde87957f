// electron-builder afterPack hook: the ffmpeg and ffprobe binaries that ship inside the npm
// packages are unpacked from the asar (see asarUnpack); here they are made executable for every
// user (ffprobe's package ships its binary 0644 and only its install script sets u+x), and their
// presence is checked, so a package without working media tools is never produced.
import fs from 'node:fs';
import path from 'node:path';

function findTools(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findTools(p, out);
    else if (/^(ffmpeg|ffprobe)(\.exe)?$/.test(e.name)) out.push(p);
  }
  return out;
}

export default async function afterPack(context) {
  const resources = context.electronPlatformName === 'darwin' ? path.join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`, 'Contents', 'Resources') : path.join(context.appOutDir, 'resources');
  const unpacked = path.join(resources, 'app.asar.unpacked', 'node_modules');
  const tools = [];
  for (const scope of ['@ffmpeg-installer', '@ffprobe-installer']) {
    const dir = path.join(unpacked, scope);
    if (fs.existsSync(dir)) findTools(dir, tools);
  }
  const names = new Set(tools.map((t) => path.basename(t).replace(/\.exe$/, '')));
  if (!names.has('ffmpeg') || !names.has('ffprobe')) {
    throw new Error(`afterPack: ffmpeg and ffprobe must be unpacked from the asar, found: ${tools.join(', ') || 'nothing'} under ${unpacked}`);
  }
  for (const t of tools) fs.chmodSync(t, 0o755);
  console.log(`  • media tools executable  ${tools.map((t) => path.relative(context.appOutDir, t)).join(', ')}`);
}
