#include "CLivretIO.h"

void clivret_occupy_standard_streams(void);
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <unistd.h>

int clivret_rename_exchange(const char *from, const char *to) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 2u /* RENAME_EXCHANGE */);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int clivret_flush_stdout(void) {
    errno = 0;
    int flushed = fflush(stdout);
    int code = errno;
    if (flushed != 0 || ferror(stdout)) {
        clearerr(stdout);
        return code != 0 ? code : EIO;
    }
    return 0;
}

/* Before any library can take them: standard streams closed by the caller (`>&-`) are held by
   /dev/null opened the wrong way round (stdin write-only, stdout and stderr read-only), so that
   output meant for standard output fails with EBADF instead of landing in whatever the program
   opens next (Dispatch's eventfd, an output file…). Harmless for any program: it only fills
   descriptors 0-2 when they are closed. */
__attribute__((constructor(101))) static void clivret_occupy_closed_standard_streams(void) {
    clivret_occupy_standard_streams();
}

void clivret_occupy_standard_streams(void) {
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            int opened = open("/dev/null", (fd == 0 ? O_WRONLY : O_RDONLY));
            if (opened >= 0 && opened != fd) close(opened);
        }
    }
}
