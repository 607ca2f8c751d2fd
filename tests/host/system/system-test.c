/*
 * system-test.c - the run-time system (system.h): run-state transitions
 * and their listeners, the virtual clock following the state, shutdown
 * and reset requests (first shutdown wins, exit-code mapping per cause),
 * system reset walking the machine's devices, bb_device_get_system(),
 * chardev lookup by id or spec, MMIO declared by devices, and machine RAM.
 */
#include "host-test.h"

#define TYPE_ST_DEV "st-dev"

typedef struct StDev {
    BbDevice parent_obj;
    unsigned resets;
} StDev;

static void st_reset(BbDevice *dev)
{
    ((StDev *)dev)->resets++;
}

static void st_class_init(BbObjectClass *klass, const void *data)
{
    BB_DEVICE_CLASS(klass)->reset = st_reset;
}

static const BbTypeInfo st_info = {
    .name = TYPE_ST_DEV,
    .parent = BB_TYPE_DEVICE,
    .instance_size = sizeof(StDev),
    .class_init = st_class_init,
};

static int group_setup(void **state)
{
    static const BbTypeInfo *const infos[] = { &st_info };
    return host_test_register_types(infos, G_N_ELEMENTS(infos));
}

static BbSystem *new_icount_system(void)
{
    BbSystemOptions opts = { .icount = true, .icount_shift = 0 };
    return bb_system_new(&opts);
}

/* ------------------------------------------------------------ states */

typedef struct Transition {
    BbRunState old, now;
} Transition;

static void record(void *opaque, BbRunState old, BbRunState now)
{
    Transition t = { old, now };
    g_array_append_val((GArray *)opaque, t);
}

static void bb_system_set_run_state_allowed_paths(void **state)
{
    BbSystem *sys = new_icount_system();
    g_autoptr(GArray) log = g_array_new(false, false, sizeof(Transition));
    GError *err = NULL;

    bb_system_add_run_state_listener(sys, record, log);
    assert_int_equal(bb_system_get_run_state(sys), BB_RUN_STATE_CREATED);
    assert_true(bb_system_set_run_state(sys, BB_RUN_STATE_RUNNING, &err));
    assert_true(bb_system_set_run_state(sys, BB_RUN_STATE_PAUSED, &err));
    assert_true(bb_system_set_run_state(sys, BB_RUN_STATE_RUNNING, &err));
    assert_true(bb_system_set_run_state(sys, BB_RUN_STATE_SHUTDOWN, &err));
    assert_no_error(err);
    assert_int_equal(log->len, 4);
    Transition *t = &g_array_index(log, Transition, 3);
    assert_int_equal(t->old, BB_RUN_STATE_RUNNING);
    assert_int_equal(t->now, BB_RUN_STATE_SHUTDOWN);
    bb_system_free(sys);
}

static void bb_system_set_run_state_refuses_bad_transitions(void **state)
{
    BbSystem *sys = new_icount_system();
    GError *err = NULL;

    assert_false(bb_system_set_run_state(sys, BB_RUN_STATE_PAUSED, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    assert_contains(err->message, "'prelaunch' to 'paused'");
    g_clear_error(&err);
    assert_true(bb_system_set_run_state(sys, BB_RUN_STATE_SHUTDOWN, &err));
    assert_false(bb_system_set_run_state(sys, BB_RUN_STATE_RUNNING, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    g_clear_error(&err);
    assert_false(bb_system_set_run_state(sys, BB_RUN_STATE_SHUTDOWN, &err));
    g_clear_error(&err);
    bb_system_free(sys);
}

static void bb_system_remove_run_state_listener_stops_calls(void **state)
{
    BbSystem *sys = new_icount_system();
    g_autoptr(GArray) log = g_array_new(false, false, sizeof(Transition));
    guint id = bb_system_add_run_state_listener(sys, record, log);

    bb_system_remove_run_state_listener(sys, id);
    assert_true(bb_system_set_run_state(sys, BB_RUN_STATE_RUNNING, NULL));
    assert_int_equal(log->len, 0);
    bb_system_free(sys);
}

static void bb_system_set_run_state_pauses_virtual_clock(void **state)
{
    BbSystem *sys = new_icount_system();
    BbTimerContext *t = bb_system_get_timers(sys);

    bb_icount_account(t, 100); /* created: clock stopped */
    assert_int_equal(bb_clock_get_ns(t, BB_CLOCK_VIRTUAL), 0);
    bb_system_set_run_state(sys, BB_RUN_STATE_RUNNING, NULL);
    bb_icount_account(t, 100);
    assert_int_equal(bb_clock_get_ns(t, BB_CLOCK_VIRTUAL), 100);
    bb_system_set_run_state(sys, BB_RUN_STATE_PAUSED, NULL);
    assert_true(bb_timer_context_is_paused(t));
    bb_icount_account(t, 100);
    assert_int_equal(bb_clock_get_ns(t, BB_CLOCK_VIRTUAL), 100);
    bb_system_free(sys);
}

/* ------------------------------------------------------------ requests */

static void bb_system_request_shutdown_first_wins(void **state)
{
    BbSystem *sys = new_icount_system();

    assert_int_equal(bb_system_get_shutdown_cause(sys), BB_SHUTDOWN_NONE);
    bb_system_request_shutdown(sys, BB_SHUTDOWN_GUEST_FAILURE, 5);
    bb_system_request_shutdown(sys, BB_SHUTDOWN_GUEST_POWEROFF, 0);
    assert_int_equal(bb_system_get_shutdown_cause(sys),
                     BB_SHUTDOWN_GUEST_FAILURE);
    assert_int_equal(bb_system_get_exit_code(sys), 5);
    bb_system_set_run_state(sys, BB_RUN_STATE_RUNNING, NULL);
    assert_false(bb_system_process_requests(sys));
    assert_int_equal(bb_system_get_run_state(sys), BB_RUN_STATE_SHUTDOWN);
    bb_system_free(sys);
}

static int exit_code_for(BbShutdownCause cause, int code)
{
    BbSystem *sys = new_icount_system();
    bb_system_request_shutdown(sys, cause, code);
    int rc = bb_system_get_exit_code(sys);
    bb_system_free(sys);
    return rc;
}

static void bb_system_get_exit_code_maps_causes(void **state)
{
    assert_int_equal(exit_code_for(BB_SHUTDOWN_GUEST_POWEROFF, 9), 0);
    assert_int_equal(exit_code_for(BB_SHUTDOWN_GUEST_FAILURE, 3), 3);
    assert_int_equal(exit_code_for(BB_SHUTDOWN_GUEST_FAILURE, 0), 1);
    assert_int_equal(exit_code_for(BB_SHUTDOWN_GUEST_FAILURE, 256), 1);
    assert_int_equal(exit_code_for(BB_SHUTDOWN_GUEST_FAILURE, 0x1ff), 0xff);
    assert_int_equal(exit_code_for(BB_SHUTDOWN_HOST_QUIT, 0), 0);
    assert_int_equal(exit_code_for(BB_SHUTDOWN_HOST_SIGNAL, SIGTERM),
                     128 + SIGTERM);
    assert_int_equal(exit_code_for(BB_SHUTDOWN_HOST_ERROR, 0), 1);
}

/* A machine with two devices, one nested in a container. */
typedef struct Rig {
    BbSystem *sys;
    BbObject *root;
    BbMachine *machine;
    StDev *a, *b;
} Rig;

static BbObject *add(BbObject *parent, const char *name, const char *type)
{
    GError *err = NULL;
    BbObject *o = bb_object_new(type, &err);
    assert_no_error(err);
    assert_true(bb_object_add_child(parent, name, o, &err));
    bb_object_unref(o);
    return o;
}

static void rig_init(Rig *r, uint64_t ram)
{
    GError *err = NULL;

    r->sys = new_icount_system();
    r->root = bb_object_new(BB_TYPE_CONTAINER, &err);
    r->machine = BB_MACHINE(add(r->root, "machine", BB_TYPE_MACHINE));
    r->machine->system = r->sys;
    BbObject *soc = add(BB_OBJECT(r->machine), "soc", BB_TYPE_CONTAINER);
    r->a = (StDev *)add(BB_OBJECT(r->machine), "a", TYPE_ST_DEV);
    r->b = (StDev *)add(soc, "b", TYPE_ST_DEV);
    assert_true(bb_object_set_uint(BB_OBJECT(r->machine), "ram-base",
                                   0x80000000, &err));
    assert_true(bb_object_set_uint(BB_OBJECT(r->machine), "ram-size", ram,
                                   &err));
    assert_true(bb_device_realize(BB_DEVICE(r->a), &err));
    assert_true(bb_device_realize(BB_DEVICE(r->b), &err));
    assert_true(bb_device_realize(BB_DEVICE(r->machine), &err));
    assert_no_error(err);
}

static void rig_free(Rig *r)
{
    bb_object_unref(r->root);
    bb_system_free(r->sys);
}

static void bb_system_reset_resets_every_device(void **state)
{
    Rig r;
    g_autoptr(GArray) log = g_array_new(false, false, sizeof(Transition));

    rig_init(&r, 0); /* realizing the machine registers it */
    assert_int_equal(r.a->resets, 1); /* from realize */
    assert_int_equal(r.b->resets, 1);
    bb_system_set_run_state(r.sys, BB_RUN_STATE_RUNNING, NULL);
    bb_system_add_run_state_listener(r.sys, record, log);
    bb_system_request_reset(r.sys);
    assert_true(bb_system_process_requests(r.sys));
    assert_int_equal(r.a->resets, 2);
    assert_int_equal(r.b->resets, 2);
    assert_int_equal(bb_system_get_run_state(r.sys), BB_RUN_STATE_RUNNING);
    assert_int_equal(log->len, 2);
    assert_int_equal(g_array_index(log, Transition, 0).now,
                     BB_RUN_STATE_RESET);
    assert_int_equal(g_array_index(log, Transition, 1).now,
                     BB_RUN_STATE_RUNNING);
    /* A request is carried out once. */
    assert_true(bb_system_process_requests(r.sys));
    assert_int_equal(r.a->resets, 2);
    rig_free(&r);
}

static void bb_device_get_system_walks_to_machine(void **state)
{
    Rig r;
    GError *err = NULL;

    rig_init(&r, 0);
    assert_ptr_equal(bb_device_get_system(BB_DEVICE(r.b)), r.sys);
    assert_ptr_equal(bb_device_get_system(BB_DEVICE(r.machine)), r.sys);
    BbObject *orphan = bb_object_new(TYPE_ST_DEV, &err);
    assert_null(bb_device_get_system(BB_DEVICE(orphan)));
    bb_object_unref(orphan);
    rig_free(&r);
}

static void machine_realize_maps_ram(void **state)
{
    Rig r;
    uint64_t v = 0;

    rig_init(&r, 1 << 20);
    BbAddressSpace *as = bb_system_get_address_space(r.sys);
    assert_non_null(r.machine->ram);
    assert_int_equal(bb_address_space_store(as, 0x800ffff8, 8,
                                            0x1122334455667788ull),
                     BB_MEMTX_OK);
    assert_int_equal(bb_address_space_load(as, 0x800ffff8, 8, &v),
                     BB_MEMTX_OK);
    assert_int_equal(v, 0x1122334455667788ull);
    /* Outside RAM nothing is mapped: a bus error. */
    assert_int_equal(bb_address_space_load(as, 0x80100000, 8, &v),
                     BB_MEMTX_DECODE_ERROR);
    /* Unrealizing the machine unmaps its RAM. */
    bb_device_unrealize(BB_DEVICE(r.machine));
    assert_null(r.machine->ram);
    assert_int_equal(bb_address_space_load(as, 0x80000000, 1, &v),
                     BB_MEMTX_DECODE_ERROR);
    rig_free(&r);
}

static void bb_device_init_mmio_keeps_regions_in_order(void **state)
{
    Rig r;
    static const BbMemoryOps ops = { 0 };

    rig_init(&r, 0);
    BbMemoryRegion *m0 = bb_memory_region_new_io(NULL, "m0", &ops, NULL, 16);
    BbMemoryRegion *m1 = bb_memory_region_new_io(NULL, "m1", &ops, NULL, 32);
    bb_device_init_mmio(BB_DEVICE(r.a), m0);
    bb_device_init_mmio(BB_DEVICE(r.a), m1);
    bb_memory_region_unref(m0);
    bb_memory_region_unref(m1);
    assert_ptr_equal(bb_device_get_mmio(BB_DEVICE(r.a), 0), m0);
    assert_ptr_equal(bb_device_get_mmio(BB_DEVICE(r.a), 1), m1);
    assert_null(bb_device_get_mmio(BB_DEVICE(r.a), 2));
    assert_int_equal(bb_memory_region_size(m1), 32); /* still alive */
    rig_free(&r);
}

/* ------------------------------------------------------------ chardevs */

static void bb_system_get_chardev_by_id_or_spec(void **state)
{
    BbSystem *sys = new_icount_system();
    GError *err = NULL;

    assert_true(bb_system_add_chardev(sys, "serial0", "null", &err));
    BbChardev *c = bb_system_get_chardev(sys, "serial0", &err);
    assert_non_null(c);
    assert_string_equal(bb_chardev_get_spec(c), "null");
    /* A spec that is no id is opened on demand, once. */
    BbChardev *d = bb_system_get_chardev(sys, "null", &err);
    assert_non_null(d);
    assert_ptr_not_equal(c, d);
    assert_ptr_equal(bb_system_get_chardev(sys, "null", &err), d);
    assert_false(bb_system_add_chardev(sys, "serial0", "null", &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_EXISTS);
    g_clear_error(&err);
    assert_null(bb_system_get_chardev(sys, "nonsense:x", &err));
    assert_non_null(err);
    assert_contains(err->message, "nonsense:x");
    g_clear_error(&err);
    bb_system_free(sys);
}

/* ------------------------------------------------------------ run */

static void stop_later(void *opaque)
{
    bb_system_request_shutdown(opaque, BB_SHUTDOWN_GUEST_FAILURE, 42);
}

static void bb_system_run_returns_exit_code_after_warp(void **state)
{
    BbSystem *sys = new_icount_system();
    BbTimer *t = bb_timer_new(bb_system_get_timers(sys), BB_CLOCK_VIRTUAL,
                              stop_later, sys);

    /* Deterministic mode, nothing runnable: time warps to the deadline
     * (an hour of virtual time) instead of waiting for it. */
    bb_timer_mod(t, INT64_C(3600) * 1000000000);
    gint64 start = g_get_monotonic_time();
    assert_int_equal(bb_system_run(sys), 42);
    assert_true(g_get_monotonic_time() - start < 60 * G_USEC_PER_SEC);
    assert_int_equal(bb_clock_get_ns(bb_system_get_timers(sys),
                                     BB_CLOCK_VIRTUAL),
                     INT64_C(3600) * 1000000000);
    bb_timer_free(t);
    bb_system_free(sys);
}

static void bb_run_state_name_names_every_state(void **state)
{
    assert_string_equal(bb_run_state_name(BB_RUN_STATE_CREATED),
                        "prelaunch");
    assert_string_equal(bb_run_state_name(BB_RUN_STATE_RUNNING), "running");
    assert_string_equal(bb_run_state_name(BB_RUN_STATE_PAUSED), "paused");
    assert_string_equal(bb_run_state_name(BB_RUN_STATE_RESET), "reset");
    assert_string_equal(bb_run_state_name(BB_RUN_STATE_SHUTDOWN),
                        "shutdown");
    assert_string_equal(bb_run_state_name(BB_RUN_STATE_DEBUG), "debug");
    assert_string_equal(bb_run_state_name(BB_RUN_STATE_GUEST_PANICKED),
                        "guest-panicked");
    assert_string_equal(bb_run_state_name(BB_RUN_STATE_INTERNAL_ERROR),
                        "internal-error");
    assert_string_equal(bb_run_state_name((BbRunState)99), "invalid");
}

/* Every (from, to) pair against QEMU's table for the states we share
 * (docs/monitor.md, "Run states"); RESET's exits are checked below. */
static void bb_system_set_run_state_follows_table(void **state)
{
    static const struct {
        BbRunState from;
        const char *to; /* letters of the allowed targets, see below */
    } rows[] = {
        /* c=created r=running p=paused e=reset s=shutdown d=debug
         * g=guest-panicked i=internal-error */
        { BB_RUN_STATE_CREATED, "resi" },
        { BB_RUN_STATE_RUNNING, "pedsgi" },
        { BB_RUN_STATE_PAUSED, "res" },
        { BB_RUN_STATE_DEBUG, "res" },
        { BB_RUN_STATE_GUEST_PANICKED, "res" },
        { BB_RUN_STATE_INTERNAL_ERROR, "pes" },
        { BB_RUN_STATE_SHUTDOWN, "pe" },
    };
    static const char letters[] = "crpesdgi";

    for (unsigned i = 0; i < G_N_ELEMENTS(rows); i++) {
        for (unsigned to = 0; to < 8; to++) {
            BbSystem *sys = new_icount_system();
            GError *err = NULL;
            /* reach rows[i].from through allowed steps */
            switch (rows[i].from) {
            case BB_RUN_STATE_CREATED:
                break;
            case BB_RUN_STATE_RUNNING:
            case BB_RUN_STATE_SHUTDOWN:
                assert_true(bb_system_set_run_state(sys,
                                                    BB_RUN_STATE_RUNNING,
                                                    NULL));
                if (rows[i].from == BB_RUN_STATE_SHUTDOWN) {
                    assert_true(bb_system_set_run_state(
                        sys, BB_RUN_STATE_SHUTDOWN, NULL));
                }
                break;
            default:
                assert_true(bb_system_set_run_state(sys,
                                                    BB_RUN_STATE_RUNNING,
                                                    NULL));
                assert_true(bb_system_set_run_state(sys, rows[i].from,
                                                    NULL));
                break;
            }
            bool want = strchr(rows[i].to, letters[to]) != NULL;
            bool same = to == (unsigned)rows[i].from;
            bool got = bb_system_set_run_state(sys, (BbRunState)to, &err);
            if (same && to != BB_RUN_STATE_SHUTDOWN) {
                assert_true(got); /* setting the current state: no-op */
            } else if (got != want) {
                fail_msg("%s -> %s: got %d, want %d",
                         bb_run_state_name(rows[i].from),
                         bb_run_state_name((BbRunState)to), got, want);
            }
            g_clear_error(&err);
            bb_system_free(sys);
        }
    }
}

/* A reset ends in running if the system ran, else in prelaunch (QEMU). */
static void bb_system_reset_ends_running_or_prelaunch(void **state)
{
    BbSystem *sys = new_icount_system();

    bb_system_reset(sys);
    assert_int_equal(bb_system_get_run_state(sys), BB_RUN_STATE_CREATED);
    assert_true(bb_system_set_run_state(sys, BB_RUN_STATE_RUNNING, NULL));
    bb_system_reset(sys);
    assert_int_equal(bb_system_get_run_state(sys), BB_RUN_STATE_RUNNING);
    assert_true(bb_system_stop(sys, BB_RUN_STATE_DEBUG));
    bb_system_reset(sys);
    assert_int_equal(bb_system_get_run_state(sys), BB_RUN_STATE_CREATED);
    bb_system_free(sys);
}

static void bb_system_stop_only_stops_running(void **state)
{
    BbSystem *sys = new_icount_system();
    g_autoptr(GArray) log = g_array_new(false, false, sizeof(Transition));
    GError *err = NULL;

    bb_system_add_run_state_listener(sys, record, log);
    assert_false(bb_system_stop(sys, BB_RUN_STATE_PAUSED)); /* prelaunch */
    assert_int_equal(log->len, 0);
    assert_true(bb_system_resume(sys, &err));
    assert_true(bb_system_resume(sys, &err)); /* already running */
    assert_int_equal(log->len, 1);
    assert_true(bb_system_stop(sys, BB_RUN_STATE_DEBUG));
    assert_false(bb_system_stop(sys, BB_RUN_STATE_PAUSED));
    assert_int_equal(bb_system_get_run_state(sys), BB_RUN_STATE_DEBUG);
    assert_true(bb_timer_context_is_paused(bb_system_get_timers(sys)));
    assert_true(bb_system_resume(sys, &err));
    assert_int_equal(log->len, 3);
    assert_true(bb_system_set_run_state(sys, BB_RUN_STATE_SHUTDOWN, NULL));
    assert_false(bb_system_resume(sys, &err));
    assert_error(err, BB_DEVICE_ERROR, BB_ERROR_STATE);
    assert_contains(err->message, "Resetting the Virtual Machine");
    g_clear_error(&err);
    bb_system_free(sys);
}

typedef struct EventLog {
    BbSystemEvent event;
    BbShutdownCause cause;
} EventLog;

static void record_event(void *opaque, BbSystemEvent event,
                         BbShutdownCause cause)
{
    EventLog e = { event, cause };
    g_array_append_val((GArray *)opaque, e);
}

static void bb_system_events_carry_causes(void **state)
{
    BbSystem *sys = new_icount_system();
    g_autoptr(GArray) log = g_array_new(false, false, sizeof(EventLog));
    guint id = bb_system_add_event_listener(sys, record_event, log);

    bb_system_set_run_state(sys, BB_RUN_STATE_RUNNING, NULL);
    bb_system_request_reset(sys);
    assert_true(bb_system_process_requests(sys));
    bb_system_request_reset_with_cause(sys, BB_SHUTDOWN_HOST_MONITOR_RESET);
    assert_true(bb_system_process_requests(sys));
    bb_system_request_powerdown(sys);
    bb_system_request_shutdown(sys, BB_SHUTDOWN_HOST_MONITOR_QUIT, 0);
    assert_false(bb_system_process_requests(sys));
    assert_int_equal(log->len, 4);
    EventLog *e = (EventLog *)log->data;
    assert_int_equal(e[0].event, BB_SYSTEM_EVENT_RESET);
    assert_string_equal(bb_shutdown_cause_name(e[0].cause), "guest-reset");
    assert_true(bb_shutdown_cause_is_guest(e[0].cause));
    assert_string_equal(bb_shutdown_cause_name(e[1].cause),
                        "host-qmp-system-reset");
    assert_false(bb_shutdown_cause_is_guest(e[1].cause));
    assert_int_equal(e[2].event, BB_SYSTEM_EVENT_POWERDOWN);
    assert_int_equal(e[3].event, BB_SYSTEM_EVENT_SHUTDOWN);
    assert_string_equal(bb_shutdown_cause_name(e[3].cause), "host-qmp-quit");
    assert_int_equal(bb_system_get_exit_code(sys), 0);
    bb_system_remove_event_listener(sys, id);
    bb_system_request_powerdown(sys);
    assert_int_equal(log->len, 4);
    bb_system_free(sys);
}

/* --no-shutdown: a guest power-off is kept (state shutdown, the loop goes
 * on); a quit then ends the run with the guest's exit code; a reset
 * forgets it. */
static void bb_system_no_shutdown_keeps_guest_poweroff(void **state)
{
    BbSystem *sys = new_icount_system();

    bb_system_set_no_shutdown(sys, true);
    bb_system_set_run_state(sys, BB_RUN_STATE_RUNNING, NULL);
    bb_system_request_shutdown(sys, BB_SHUTDOWN_GUEST_FAILURE, 7);
    assert_true(bb_system_process_requests(sys));
    assert_int_equal(bb_system_get_run_state(sys), BB_RUN_STATE_SHUTDOWN);
    assert_true(bb_system_process_requests(sys));
    assert_int_equal(bb_system_get_exit_code(sys), 7);
    bb_system_request_reset_with_cause(sys, BB_SHUTDOWN_HOST_MONITOR_RESET);
    assert_true(bb_system_process_requests(sys));
    assert_int_equal(bb_system_get_run_state(sys), BB_RUN_STATE_CREATED);
    assert_int_equal(bb_system_get_shutdown_cause(sys), BB_SHUTDOWN_NONE);
    assert_true(bb_system_resume(sys, NULL));
    bb_system_request_shutdown(sys, BB_SHUTDOWN_GUEST_FAILURE, 3);
    assert_true(bb_system_process_requests(sys));
    bb_system_request_shutdown(sys, BB_SHUTDOWN_HOST_MONITOR_QUIT, 0);
    assert_false(bb_system_process_requests(sys));
    assert_int_equal(bb_system_get_exit_code(sys), 3);
    bb_system_free(sys);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bb_system_set_run_state_allowed_paths),
        cmocka_unit_test(bb_system_set_run_state_refuses_bad_transitions),
        cmocka_unit_test(bb_system_set_run_state_follows_table),
        cmocka_unit_test(bb_system_reset_ends_running_or_prelaunch),
        cmocka_unit_test(bb_system_stop_only_stops_running),
        cmocka_unit_test(bb_system_events_carry_causes),
        cmocka_unit_test(bb_system_no_shutdown_keeps_guest_poweroff),
        cmocka_unit_test(bb_system_remove_run_state_listener_stops_calls),
        cmocka_unit_test(bb_system_set_run_state_pauses_virtual_clock),
        cmocka_unit_test(bb_system_request_shutdown_first_wins),
        cmocka_unit_test(bb_system_get_exit_code_maps_causes),
        cmocka_unit_test(bb_system_reset_resets_every_device),
        cmocka_unit_test(bb_device_get_system_walks_to_machine),
        cmocka_unit_test(machine_realize_maps_ram),
        cmocka_unit_test(bb_device_init_mmio_keeps_regions_in_order),
        cmocka_unit_test(bb_system_get_chardev_by_id_or_spec),
        cmocka_unit_test(bb_system_run_returns_exit_code_after_warp),
        cmocka_unit_test(bb_run_state_name_names_every_state),
    };
    return cmocka_run_group_tests_name("host/system", tests, group_setup,
                                       NULL);
}
