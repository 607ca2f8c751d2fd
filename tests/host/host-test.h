/*
 * host-test.h - small helpers shared by the cmocka suites under tests/host:
 * GError assertions that print the message on failure, a substring
 * assertion, one-shot type registration for group setups, and a way to run
 * a function in a forked child to observe an abort and its stderr.
 */
#ifndef TESTS_HOST_HOST_TEST_H
#define TESTS_HOST_HOST_TEST_H

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include <breadboard/breadboard.h>

/* Fail unless @err is NULL; show its message otherwise. */
#define assert_no_error(err)                                                  \
    do {                                                                      \
        if ((err) != NULL) {                                                  \
            fail_msg("unexpected error: %s", (err)->message);                 \
        }                                                                     \
    } while (0)

/* Fail unless @err is set and matches @dom and @code. */
#define assert_error(err, dom, code_)                                         \
    do {                                                                      \
        const GError *e_ = (err);                                             \
        if (e_ == NULL) {                                                     \
            fail_msg("expected an error, got none");                          \
        } else if (!g_error_matches(e_, (dom), (code_))) {                    \
            fail_msg("expected error %s/%d, got %s/%d: %s",                   \
                     g_quark_to_string(dom), (int)(code_),                    \
                     g_quark_to_string(e_->domain), e_->code, e_->message);   \
        }                                                                     \
    } while (0)

/* Fail unless @hay contains @needle. */
#define assert_contains(hay, needle)                                          \
    do {                                                                      \
        const char *hay_ = (hay), *needle_ = (needle);                        \
        if (hay_ == NULL || strstr(hay_, needle_) == NULL) {                  \
            fail_msg("'%s' does not contain '%s'", hay_ ? hay_ : "(null)",    \
                     needle_);                                                \
        }                                                                     \
    } while (0)

/* Register @n types; for use in a cmocka group setup (0 on success). */
static inline int host_test_register_types(const BbTypeInfo *const *infos,
                                           size_t n)
{
    for (size_t i = 0; i < n; i++) {
        GError *err = NULL;
        if (!bb_type_register(infos[i], &err)) {
            print_error("registering '%s' failed: %s\n", infos[i]->name,
                        err->message);
            g_error_free(err);
            return -1;
        }
    }
    return 0;
}

/*
 * Run @fn(@opaque) in a forked child with stderr captured.  The child
 * exits with status 0 if @fn returns.  Returns the waitpid() status and
 * sets *@err_text to everything the child wrote to stderr (g_free it).
 */
static inline int host_test_run_in_child(void (*fn)(void *opaque),
                                         void *opaque, char **err_text)
{
    int fds[2];
    GString *text = g_string_new(NULL);
    int status = -1;

    assert_int_equal(pipe(fds), 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGABRT, SIG_DFL);
        close(fds[0]);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        fn(opaque);
        _exit(0);
    }
    close(fds[1]);
    char buf[512];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
        g_string_append_len(text, buf, n);
    }
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    *err_text = g_string_free(text, false);
    return status;
}

/* Whether a waitpid() status says the child aborted (or failed). */
static inline bool host_test_child_aborted(int status)
{
    return (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) ||
           (WIFEXITED(status) && WEXITSTATUS(status) != 0);
}

#endif /* TESTS_HOST_HOST_TEST_H */
