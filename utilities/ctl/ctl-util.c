/* ctl-util: what every gfp-ctl command group shares. */
#include <config.h>

#include "ctl-util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void
ctl_out_of_memory(void)
{
    fputs("gfp-ctl: out of memory\n", stderr);
    abort();
}

void *
ctl_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (!p) {
        ctl_out_of_memory();
    }
    return p;
}

void *
ctl_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p) {
        ctl_out_of_memory();
    }
    return p;
}

void *
ctl_xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p) {
        ctl_out_of_memory();
    }
    return p;
}

char *
ctl_xstrdup(const char *s)
{
    char *p = strdup(s);

    if (!p) {
        ctl_out_of_memory();
    }
    return p;
}

char *
ctl_xvasprintf(const char *fmt, va_list args)
{
    char *s;

    if (vasprintf(&s, fmt, args) < 0) {
        ctl_out_of_memory();
    }
    return s;
}

char *
ctl_xasprintf(const char *fmt, ...)
{
    va_list args;
    char *s;

    va_start(args, fmt);
    s = ctl_xvasprintf(fmt, args);
    va_end(args);
    return s;
}

/* A growing NUL-terminated output buffer. */
struct run_buf {
    char *data;
    size_t len, cap;
};

static int
run_buf_read(int fd, struct run_buf *b)
{
    ssize_t n;

    if (b->cap - b->len < 4096) {
        size_t cap = b->cap ? b->cap * 2 : 8192;
        if (cap > (64u << 20)) {
            return -ENOMEM;
        }
        b->data = ctl_xrealloc(b->data, cap);
        b->cap = cap;
    }
    n = read(fd, b->data + b->len, b->cap - b->len - 1);
    if (n < 0) {
        return errno == EINTR || errno == EAGAIN ? 1 : -errno;
    }
    b->len += n;
    b->data[b->len] = '\0';
    return n ? 1 : 0;
}

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* In the child: stdin from /dev/null, stdout and stderr to the pipes,
 * SIGINT ignored and no signal blocked, then argv[0].  If it cannot be
 * run, its errno goes up 'exec_fd'. */
static void __attribute__((noreturn))
run_child(char *const argv[], int out_fd, int err_fd, int exec_fd)
{
    int null = open("/dev/null", O_RDONLY);
    int exec_errno;
    sigset_t none;

    /* gfp-ctl stats --watch blocks its stop signals and takes a Ctrl-C
     * between two readings; the tool inherits neither. */
    signal(SIGINT, SIG_IGN);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (null < 0 || dup2(null, 0) < 0 || dup2(out_fd, 1) < 0
        || dup2(err_fd, 2) < 0) {
        _exit(127);
    }
    execvp(argv[0], argv);
    exec_errno = errno;
    if (write(exec_fd, &exec_errno, sizeof exec_errno) < 0) {
        /* Nothing to do: the parent sees status 127. */
    }
    _exit(127);
}

/* Reads 'fds' (stdout, stderr) into 'bufs' until both end or
 * 'deadline'.  Returns 0 or a negative errno (-ETIMEDOUT). */
static int
run_read(const int fds[2], struct run_buf bufs[2], long long deadline)
{
    bool open_fd[2] = { true, true };

    while (open_fd[0] || open_fd[1]) {
        struct pollfd pfd[2];
        long long left = deadline - now_ms();
        int n = 0, map[2];

        if (left <= 0) {
            return -ETIMEDOUT;
        }
        for (int i = 0; i < 2; i++) {
            if (open_fd[i]) {
                pfd[n].fd = fds[i];
                pfd[n].events = POLLIN;
                map[n++] = i;
            }
        }
        if (poll(pfd, n, left) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        for (int j = 0; j < n; j++) {
            int r = pfd[j].revents ? run_buf_read(pfd[j].fd, &bufs[map[j]])
                                   : 1;

            if (r < 0) {
                return r;
            }
            open_fd[map[j]] &= r != 0;
        }
    }
    return 0;
}

/* Waits for 'pid' (killed first if 'err'): its status as ctl_run()
 * returns it. */
static int
run_wait(pid_t pid, int err, int exec_fd)
{
    int status, exec_errno = 0;

    if (err) {
        kill(pid, SIGKILL);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return err ? err : -errno;
        }
    }
    if (read(exec_fd, &exec_errno, sizeof exec_errno) == sizeof exec_errno
        && exec_errno) {
        return -exec_errno;
    } else if (err) {
        return err;
    }
    return (WIFEXITED(status) ? WEXITSTATUS(status)
            : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -ECHILD);
}

static void
close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

int
ctl_run(char *const argv[], unsigned timeout_ms, char **out, char **errp)
{
    struct run_buf bufs[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
    int pipes[2][2] = { { -1, -1 }, { -1, -1 } };
    int exec_pipe[2] = { -1, -1 };
    long long deadline = now_ms() + timeout_ms;
    int err = 0;
    pid_t pid;

    if (pipe2(pipes[0], O_CLOEXEC) || pipe2(pipes[1], O_CLOEXEC)
        || pipe2(exec_pipe, O_CLOEXEC)) {
        err = -errno;
        goto out;
    }
    pid = fork();
    if (pid < 0) {
        err = -errno;
        goto out;
    } else if (!pid) {
        run_child(argv, pipes[0][1], pipes[1][1], exec_pipe[1]);
    }
    close_fd(&pipes[0][1]);
    close_fd(&pipes[1][1]);
    close_fd(&exec_pipe[1]);
    err = run_read((int[2]) { pipes[0][0], pipes[1][0] }, bufs, deadline);
    err = run_wait(pid, err, exec_pipe[0]);

out:
    for (int i = 0; i < 2; i++) {
        close_fd(&pipes[i][0]);
        close_fd(&pipes[i][1]);
        close_fd(&exec_pipe[i]);
    }
    for (int i = 0; i < 2; i++) {
        char **dst = i ? errp : out;

        if (dst) {
            *dst = bufs[i].data ? bufs[i].data : ctl_xstrdup("");
        } else {
            free(bufs[i].data);
        }
    }
    return err;
}
