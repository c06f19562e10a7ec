import type { DerivedNames } from './types.js';
import { shown } from '../secrets/redact.js';

/**
 * Project names must work as a Python distribution name, a Python import name (after `-`/`.` → `_`)
 * and a Debian package name (after `_` → `-`). Debian wants lowercase and at least two characters;
 * Python imports cannot start with a digit. So: lowercase letter first, then lowercase letters, digits,
 * and single `-`, `_` or `.` separators, ending with a letter or digit.
 */
const NAME_RE = /^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*$/;

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);

/** Returns an error message naming the problem and the fix, or null when the name is valid. */
export function nameProblem(name: string): string | null {
  if (name.trim() === '') return 'the project name is empty: give one like my-service';
  if (/[\\/]/.test(name) || name.includes('..')) return `the project name ${shown(name)} contains a path; give a plain name like my-service`;
  if (/\s/.test(name)) return `the project name ${shown(name)} contains spaces; use dashes, e.g. ${shown(name.trim().replace(/\s+/g, '-').toLowerCase())}`;
  if (/[A-Z]/.test(name)) return `the project name ${shown(name)} has uppercase letters, which Debian package names forbid; use ${shown(name.toLowerCase())}`;
  if (/^[0-9]/.test(name)) return `the project name ${shown(name)} starts with a digit, which a Python import name cannot; start with a letter`;
  if (name.length < 2) return `the project name ${shown(name)} is too short: Debian package names need at least 2 characters`;
  if (name.length > 64) return `the project name is ${name.length} characters long; keep it to 64 or fewer`;
  if (!NAME_RE.test(name))
    return `the project name ${shown(name)} is not valid: use lowercase letters, digits and single -, _ or . between them (e.g. my-service)`;
  const importName = toImportName(name);
  if (PYTHON_KEYWORDS.has(importName)) return `the project name ${shown(name)} is a Python keyword; choose another`;
  return null;
}

export function toImportName(name: string): string {
  return name.replace(/[-.]/g, '_');
}

export function toDebName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

export function toSystemUser(debName: string): string {
  return debName.replace(/\./g, '-').slice(0, 31).replace(/-+$/, '');
}

export function deriveNames(name: string): DerivedNames {
  const debName = toDebName(name);
  return { distName: name, importName: toImportName(name), debName, systemUser: toSystemUser(debName) };
}

/**
 * Accounts a service's system user must never be. systemd-sysusers (debian/PKG.sysusers, `u NAME -`) creates
 * nothing for a user that exists, so the unit runs as that account; and for a new user whose name is an
 * existing group it takes that group's id as the primary group. Measured with systemd-sysusers 252 (bookworm):
 * a service named `disk` became user disk with gid 6 (group disk: raw access to every block device), one named
 * `root` ran as root, `backup` and `proxy` as Debian's shared accounts. Listed: every user and group Debian
 * reserves for everyone (base-passwd's passwd.master and group.master, policy 9.2.2), the groups Debian packages
 * create that grant a privilege (containers, virtual machines, devices, logs, TLS keys), and systemd's own
 * `systemd-` prefix.
 */
const BASE_PASSWD = 'root daemon bin sys sync games man lp mail news uucp proxy www-data backup list irc gnats nobody adm tty disk kmem dialout fax voice cdrom floppy tape sudo audio dip operator src shadow utmp video sasl plugdev staff users nogroup';
const PRIVILEGED_GROUPS = 'docker lxd incus libvirt libvirt-qemu kvm render input sgx netdev bluetooth ssl-cert crontab wheel admin lpadmin sambashare wireshark tss messagebus polkitd sshd postgres mysql';
const RESERVED_USERS = new Set(`${BASE_PASSWD} ${PRIVILEGED_GROUPS}`.split(' '));

/** The longest system user name: useradd's and systemd-sysusers' limit (UT_NAMESIZE - 1). */
export const SYSTEM_USER_MAX = 31;

/**
 * Why a service's system user would not be its own account (null when it would); `fix` says how to rename. A
 * package name longer than SYSTEM_USER_MAX is cut to a user name that another long name can share:
 * `acme-payments-reconciliation-worker-eu` and `…-worker-us` both ran as `acme-payments-reconciliation-wo` (one
 * account owning both services' data and settings). Such a
 * name is refused for a service: the user of an existing project is never renamed (its files on the hosts
 * belong to it).
 */
export function systemUserProblem(names: { debName: string; systemUser: string }, fix: string): string | null {
  const user = names.systemUser;
  const full = names.debName.replace(/\./g, '-');
  if (full.length > SYSTEM_USER_MAX)
    return `a service runs as the system user named after its package, at most ${SYSTEM_USER_MAX} characters (useradd's and systemd-sysusers' limit), and ${shown(names.debName)} is ${full.length}: cut to ${shown(user)}, it is the user of every other service whose name starts so; a name of at most ${SYSTEM_USER_MAX} characters is needed: ${fix}`;
  if (!RESERVED_USERS.has(user) && !user.startsWith('systemd-')) return null;
  const whose = user.startsWith('systemd-') ? "in systemd's namespace for its own accounts (systemd-*)" : "an account or group every Debian system already has or reserves";
  return `a service runs as the system user named after its package, and ${shown(user)} is ${whose}: the service would run as that account (or with that group's rights) instead of its own; ${fix}`;
}
