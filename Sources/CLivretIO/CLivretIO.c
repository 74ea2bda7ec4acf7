#include "CLivretIO.h"
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
