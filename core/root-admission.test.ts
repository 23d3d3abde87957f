import { describe, expect, it } from 'vitest';
import { whyNotARoot } from './root-admission.js';

const posix = (abs: string): string | null => whyNotARoot({ abs, dataDir: '/home/anna/.local/share/custodian', home: '/home/anna', platform: 'linux' })?.key ?? null;
const win = (abs: string): string | null =>
  whyNotARoot({ abs, dataDir: 'C:\\Users\\anna\\AppData\\Roaming\\Custodian', home: 'C:\\Users\\anna', platform: 'win32', env: { SystemRoot: 'C:\\Windows', ProgramFiles: 'C:\\Program Files' } })?.key ?? null;

describe('which folders may be a recording root', () => {
  it('refuses system folders, the home folder, and the data folder with its ancestors and insides (POSIX)', () => {
    expect(posix('/')).toBe('deletion:rootIsSystem');
    expect(posix('/etc')).toBe('deletion:rootIsSystem');
    expect(posix('/usr/share/videos')).toBe('deletion:rootIsSystem');
    expect(posix('/proc/1')).toBe('deletion:rootIsSystem');
    expect(posix('/dev/sda1')).toBe('deletion:rootIsSystem');
    expect(posix('/home')).toBe('deletion:rootIsSystem');
    expect(posix('/home/anna')).toBe('deletion:rootHoldsDataFolder');
    expect(posix('/home/anna/.local')).toBe('deletion:rootHoldsDataFolder');
    expect(posix('/home/anna/.local/share/custodian/archive')).toBe('deletion:rootInsideDataFolder');
    expect(posix('/var')).toBe('deletion:rootIsSystem');
    expect(posix('/mnt')).toBe('deletion:rootIsSystem');
  });
  it('accepts a recorder folder, a share mount, a folder in the home folder and RAM folders', () => {
    expect(posix('/mnt/nvr')).toBeNull();
    expect(posix('/srv/recordings/cam')).toBeNull();
    expect(posix('/var/lib/frigate/recordings')).toBeNull();
    expect(posix('/home/anna/recordings')).toBeNull();
    expect(posix('/dev/shm/test-rec')).toBeNull();
    expect(posix('/tmp/custodian-test-x/rec')).toBeNull();
  });
  it('on Windows: drive roots, Windows, Program Files, the Users folder, the profile and the data folder', () => {
    expect(win('C:\\')).toBe('deletion:rootIsSystem');
    expect(win('D:\\')).toBe('deletion:rootIsSystem');
    expect(win('\\\\nas\\share')).toBe('deletion:rootIsSystem');
    expect(win('C:\\Windows\\Temp')).toBe('deletion:rootIsSystem');
    expect(win('c:\\program files\\Milestone')).toBe('deletion:rootIsSystem');
    expect(win('C:\\Users')).toBe('deletion:rootIsSystem');
    expect(win('C:\\Users\\anna')).toBe('deletion:rootHoldsDataFolder');
    expect(win('C:\\Users\\anna\\AppData\\Roaming\\Custodian\\x')).toBe('deletion:rootInsideDataFolder');
    expect(win('D:\\Recordings')).toBeNull();
    expect(win('\\\\nas\\share\\cam1')).toBeNull();
  });
});
