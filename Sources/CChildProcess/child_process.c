#define _GNU_SOURCE
#include "child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int airlock_spawn_tied(const char *path, char *const argv[], char *const extra_env[], int stdin_fd, int stdout_fd,
                       int stderr_fd, pid_t *pid) {
    // The environment is built before fork: the child may only make async-signal-safe calls.
    size_t inherited = 0, extra = 0;
    while (environ && environ[inherited]) inherited++;
    while (extra_env && extra_env[extra]) extra++;
    char **env = calloc(inherited + extra + 1, sizeof(char *));
    if (!env) return ENOMEM;
    size_t count = 0;
    for (size_t i = 0; i < inherited; i++) {
        int replaced = 0;
        for (size_t j = 0; j < extra && !replaced; j++) {
            const char *equals = strchr(extra_env[j], '=');
            size_t length = equals ? (size_t)(equals - extra_env[j]) + 1 : strlen(extra_env[j]);
            replaced = strncmp(environ[i], extra_env[j], length) == 0;
        }
        if (!replaced) env[count++] = environ[i];
    }
    for (size_t j = 0; j < extra; j++) env[count++] = extra_env[j];
    env[count] = NULL;

    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) {
        int error = errno;
        free(env);
        return error;
    }
    if (child == 0) {
        // Dies with the parent, even when the parent is killed with SIGKILL.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        if (dup2(stdin_fd, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) _exit(127);
        closefrom(3);
        execve(path, argv, env);
        _exit(127);
    }
    free(env);
    *pid = child;
    return 0;
}

int airlock_wait(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

int airlock_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC); }
