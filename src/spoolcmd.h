/* spoolcmd.h: "inhook spool list|retry|drop [--spool DIR] [ID...]", the
 * command that shows and finishes what the spool (spool.h) holds.
 *   list   one line per entry, oldest first in new/ then failed/:
 *          "ID<TAB>STATE<TAB>BYTES<TAB>REASON", STATE one of new (left by
 *          a crash, or not started yet), running (locked by a live
 *          inhook), failed; REASON is "-" outside failed/.
 *   retry  runs the stored hook again, with the stored argv, environment
 *          and body, --hook-timeout and --lock: for the IDs given, or else
 *          for every entry in failed/ and every unlocked entry in new/.
 *          On success the entry is removed; on failure it stays in (or
 *          moves to) failed/ with the new reason.
 *   drop   removes the entries given (IDs are required).
 * DIR defaults to SPOOL_DEFAULT_DIR. Output goes to standard output, the
 * hook's output and errors to standard error. Exit status: 0 done (for
 * retry: every entry tried was delivered, or there was nothing to do); 100
 * usage error or an ID that is not in the spool; 111 temporary failure: a
 * hook failed again, an entry is in progress elsewhere, or the spool could
 * not be read or changed. */
#ifndef INHOOK_SPOOLCMD_H
#define INHOOK_SPOOLCMD_H

#define SPOOL_DEFAULT_DIR "/var/lib/inhook/spool"

/* argv[1] is "spool". Returns the exit status. */
int spool_cmd(int argc, char **argv);

#endif
