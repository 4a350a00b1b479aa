/** Exit codes: what a script calling crier can rely on (the table in the README and in --help). */
export const EXIT = { ok: 0, error: 1, config: 2, attention: 3, held: 4 } as const;

export const EXIT_CODES = `
Exit codes (every command):
  0  done; nothing needs you
  1  unexpected error: a bug in Crier (printed with its stack trace; please report it)
  2  nothing was done: the config is invalid, the command was misused (unknown option,
     no such feed, destination or delivery, or one not in a state the command applies to),
     or the delivery log (storage.path) cannot be used
  3  done, but something needs you: a feed failed, is held, backing off or demoted; a
     delivery failed (other than a rate-limit wait), was rejected or is uncertain; a
     destination is paused for a missing or refused secret or a broken channel; a check or
     unpost failed on the platform; the config leaves nothing to do
  4  another Crier process holds the delivery log: nothing was done (the message names it,
     since when and until when; --wait SECONDS waits for it instead); or a command handed to
     the running crier run was not taken in time (withdrawn, nothing done); or this process
     lost the delivery log to another one and stopped sending`;
