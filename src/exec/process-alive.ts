/**
 * Whether a process with this id exists on this machine: signal 0 checks without sending anything. EPERM means it
 * exists but belongs to someone else, so it counts as alive. The locks and staging directories use this to tell a
 * dead run's leftovers from a live run's.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
