/*
 * init.c - /init of the project-built Linux guest (scripts/guests/
 * build-kernel.sh packs it into the kernel's built-in initramfs).  A
 * static riscv64 glibc program run as PID 1 that checks what Linux made
 * of the machine and powers off:
 *
 *   - mounts proc, sysfs and devtmpfs; prints /proc/cpuinfo and
 *     /proc/interrupts (informational: they differ between emulators);
 *   - lists PCI functions from /sys/bus/pci/devices (vendor, device,
 *     class, the resources Linux assigned); if QEMU's edu (1234:11e8) is there, enables it through
 *     sysfs, maps resource0 and checks identification, liveness and the
 *     factorial of 5 with its interrupt status (docs/linux.md);
 *   - reads the RTC over a 1.2 s sleep and checks it advanced;
 *   - runs the CPU workload (workload.c) on the boot hart and once pinned
 *     to every online hart, and prints its checksum;
 *   - prints "bb-init: result PASS" (or FAIL and the count), INIT-DONE,
 *     and powers off with reboot(RB_POWER_OFF).
 *
 * Every line starting "bb-init: " depends only on the machine's
 * configuration and the guest code, not on timing or the emulator, so
 * tests compare those lines with qemu-system-riscv64's output for the
 * same image.  No driver is bound to edu: its interrupt is observed in
 * the status register, which is what a user-space driver can see.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "workload.h"

#define WORKLOAD_ROUNDS 3
#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_ID 0x010000edu

static int failures;

static void check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("bb-init: ");
    vprintf(fmt, ap);
    printf(ok ? " ok\n" : " FAIL\n");
    va_end(ap);
    failures += !ok;
}

static void cat_file(const char *path)
{
    char buf[512];
    int fd = open(path, O_RDONLY);
    printf("---- %s\n", path);
    if (fd < 0) {
        printf("(cannot open: %s)\n", strerror(errno));
        return;
    }
    fflush(stdout);
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    fflush(stdout);
    close(fd);
}

/* read_num: the number in a one-line sysfs file, or -1. */
static long read_num(const char *dir, const char *name)
{
    char path[512], buf[64] = "";
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *ok = fgets(buf, sizeof(buf), f);
    fclose(f);
    return ok ? strtol(buf, NULL, 0) : -1;
}

static int write_str(const char *dir, const char *name, const char *val)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, val, strlen(val));
    close(fd);
    return n == (ssize_t)strlen(val) ? 0 : -1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* poll_reg: wait (up to 2 s of guest time) until (*reg & mask) == want. */
static int poll_reg(volatile uint32_t *reg, uint32_t mask, uint32_t want)
{
    double end = now_s() + 2.0;
    while ((*reg & mask) != want)
        if (now_s() > end)
            return 0;
    return 1;
}

/* check_edu: QEMU's edu device (docs/linux.md lists its registers). */
static void check_edu(const char *dir, const char *name)
{
    char path[512];
    check(write_str(dir, "enable", "1") == 0, "edu %s enable", name);
    snprintf(path, sizeof(path), "%s/resource0", dir);
    int fd = open(path, O_RDWR | O_SYNC);
    if (fd < 0) {
        check(0, "edu %s open resource0 (%s)", name, strerror(errno));
        return;
    }
    volatile uint32_t *r = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (r == MAP_FAILED) {
        check(0, "edu %s mmap resource0 (%s)", name, strerror(errno));
        return;
    }
    uint32_t id = r[0x00 / 4];
    check(id == EDU_ID, "edu %s identification %08" PRIx32, name, id);
    r[0x04 / 4] = 0x12345678;
    uint32_t live = r[0x04 / 4];
    check(live == 0xedcba987u, "edu liveness ~0x12345678 = %08" PRIx32, live);
    /* Factorial with "raise interrupt when done" (status b7). */
    r[0x64 / 4] = 0xffffffff;
    r[0x20 / 4] = 0x80;
    r[0x08 / 4] = 5;
    int done = poll_reg(&r[0x20 / 4], 0x01, 0);
    uint32_t fact = r[0x08 / 4];
    check(done && fact == 120, "edu factorial 5 = %" PRIu32, fact);
    int raised = poll_reg(&r[0x24 / 4], 0xffffffff, 1);
    check(raised, "edu interrupt status %08" PRIx32 " after factorial", r[0x24 / 4]);
    r[0x64 / 4] = 1;
    uint32_t after = r[0x24 / 4];
    check(after == 0, "edu interrupt status %08" PRIx32 " after ack", after);
    r[0x20 / 4] = 0;
    munmap((void *)r, 4096);
}

/* The address ranges Linux assigned to a function ("resource": one line
 * "start end flags" per BAR, ROM and bridge window; unused ones are 0),
 * as Linux's own assignment made them (it reassigns whatever firmware
 * did), to be compared with QEMU's. */
static void print_resources(const char *dir, const char *name)
{
    char path[512], line[128];
    snprintf(path, sizeof(path), "%s/resource", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    for (int i = 0; fgets(line, sizeof(line), f); i++) {
        unsigned long long start, end, flags;
        if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) != 3 ||
            (start == 0 && end == 0))
            continue;
        printf("bb-init: pci %s resource %d %#llx-%#llx flags %#llx\n", name,
               i, start, end, flags);
    }
    fclose(f);
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void check_pci(void)
{
    static const char base[] = "/sys/bus/pci/devices";
    struct dirent **names;
    int n = scandir(base, &names, NULL, name_cmp);
    int count = 0;
    for (int i = 0; i < n; i++) {
        char dir[300];
        if (names[i]->d_name[0] == '.')
            continue;
        snprintf(dir, sizeof(dir), "%s/%s", base, names[i]->d_name);
        long vendor = read_num(dir, "vendor"), device = read_num(dir, "device");
        long klass = read_num(dir, "class");
        printf("bb-init: pci %s %04lx:%04lx class %06lx\n", names[i]->d_name,
               vendor, device, klass);
        print_resources(dir, names[i]->d_name);
        count++;
        if (vendor == EDU_VENDOR && device == EDU_DEVICE)
            check_edu(dir, names[i]->d_name);
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    if (n >= 0)
        free(names);
    printf("bb-init: pci functions %d\n", count);
}

static long rtc_seconds(void)
{
    return read_num("/sys/class/rtc/rtc0", "since_epoch");
}

/* The RTC must tick with guest time: over a 1.2 s sleep, 1 or 2 of its
 * whole seconds pass (where the sleep starts within a second). */
static void check_rtc(void)
{
    long t0 = rtc_seconds();
    struct timespec d = { 1, 200000000 };
    nanosleep(&d, NULL);
    long t1 = rtc_seconds();
    check(t0 >= 0 && (t1 - t0 == 1 || t1 - t0 == 2), "rtc0 advances over 1.2 s");
}

static uint64_t workload(void)
{
    uint64_t sum = 0;
    for (unsigned r = 0; r < WORKLOAD_ROUNDS; r++)
        sum = sum * 31 + workload_run(r);
    return sum;
}

/* The workload once on each hart init may run on (a child pinned to it):
 * every hart must compute the same checksum as the boot hart.  The harts
 * are the ids in init's affinity mask -- the online ones, which need not
 * be 0..N-1 (a hart that failed to come online leaves a hole). */
static void check_workload(void)
{
    uint64_t sum = workload();
    printf("bb-init: workload %u rounds checksum %016" PRIx64 "\n",
           WORKLOAD_ROUNDS, sum);
    cpu_set_t online;
    int ids[64], n = 0;
    if (sched_getaffinity(0, sizeof(online), &online) != 0) {
        check(0, "sched_getaffinity (%s)", strerror(errno));
        return;
    }
    for (int c = 0; c < CPU_SETSIZE && n < 64; c++)
        if (CPU_ISSET(c, &online))
            ids[n++] = c;
    int pipes[64][2];
    pid_t pids[64];
    fflush(stdout);
    for (int i = 0; i < n; i++) {
        pids[i] = -1;
        if (pipe(pipes[i]) != 0)
            continue;
        pids[i] = fork();
        if (pids[i] == 0) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(ids[i], &set);
            uint64_t v = 0;
            if (sched_setaffinity(0, sizeof(set), &set) == 0)
                v = workload();
            ssize_t w = write(pipes[i][1], &v, sizeof(v));
            _exit(w == sizeof(v) ? 0 : 1);
        }
        close(pipes[i][1]);
    }
    int same = 0;
    for (int i = 0; i < n; i++) {
        uint64_t v = 0;
        if (pids[i] > 0 && read(pipes[i][0], &v, sizeof(v)) == sizeof(v) && v == sum)
            same++;
        if (pids[i] > 0)
            waitpid(pids[i], NULL, 0);
        close(pipes[i][0]);
    }
    check(n > 0 && same == n, "workload on each of %d harts: %d match", n, same);
}

static void mount_fs(const char *type, const char *dir)
{
    mkdir(dir, 0755);
    int rc = mount(type, dir, type, 0, NULL);
    check(rc == 0 || errno == EBUSY, "mount %s on %s", type, dir);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("bb-init: start\n");
    mount_fs("proc", "/proc");
    mount_fs("sysfs", "/sys");
    mount_fs("devtmpfs", "/dev");
    printf("bb-init: harts online %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
    cat_file("/proc/cpuinfo");
    cat_file("/proc/interrupts");
    printf("----\n");
    check_pci();
    check_rtc();
    check_workload();
    if (failures)
        printf("bb-init: result FAIL (%d)\n", failures);
    else
        printf("bb-init: result PASS\n");
    printf("INIT-DONE\n");
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    /* Power-off failed: PID 1 must not exit (the kernel would panic). */
    printf("bb-init: power-off failed: %s\n", strerror(errno));
    for (;;)
        pause();
}
