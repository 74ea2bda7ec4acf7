#ifndef CLIVRET_IO_H
#define CLIVRET_IO_H

/* The one system call Swift cannot reach on Linux: renameat2(from, to, RENAME_EXCHANGE), which
   glibc declares only under _GNU_SOURCE (and older glibcs not at all). The logic that uses it
   lives in LivretModel's AtomicFile; this is only the call. */

/* Swaps the two paths atomically (both must exist). 0, or -1 and errno (EINVAL: the file
   system cannot exchange; ENOSYS: the kernel cannot). */
int clivret_rename_exchange(const char *from, const char *to);

/* Flushes C's stdout (where Swift's print buffers) and reports whether any write to it failed
   since the last call: 0, or the errno of the failure (EIO when unknown). Clears the error. */
int clivret_flush_stdout(void);

/* Fills standard descriptors 0-2 that are closed with /dev/null opened the wrong way round (see
   FileIO.occupyClosedStandardStreams); also run once, at load, by a constructor. */
void clivret_occupy_standard_streams(void);

#endif
