#ifndef AIRLOCK_CHILD_PROCESS_H
#define AIRLOCK_CHILD_PROCESS_H

#include <sys/types.h>

/// Starts `path` with `argv` and the parent's environment plus `extra_env` (NULL-terminated,
/// "NAME=value"), its standard input, output and error on the given descriptors. The child
/// gets SIGKILL when the thread that started it ends (PR_SET_PDEATHSIG), so a killed parent
/// never leaves it running; start it from a thread that waits for it. Returns 0 and sets
/// `pid`, or an errno value.
int airlock_spawn_tied(const char *path, char *const argv[], char *const extra_env[], int stdin_fd, int stdout_fd,
                       int stderr_fd, pid_t *pid);

/// Waits for `pid`: its exit status, 128 + the signal that ended it, or -1 with errno set.
int airlock_wait(pid_t pid);

/// A pipe whose ends are closed on exec: [0] reads, [1] writes. 0, or -1 with errno set.
int airlock_pipe(int fds[2]);

#endif
