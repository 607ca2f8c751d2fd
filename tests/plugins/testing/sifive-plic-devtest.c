/*
 * sifive-plic-devtest.c - the sifive-plic's interrupt flow (checks of
 * tests/devices/plic-claim) through the C device-test API: the level
 * gateway, priority 0 and the threshold, claim and complete, the claim
 * order (highest priority, then lowest ID) and wire-OR of two lines into
 * one source.  Register map (the SiFive PLIC, reference/hardware.md):
 * priority at 4 * source, pending bits at 0x1000, enables at 0x2000 +
 * 0x80 * context, threshold at 0x20_0000 + 0x1000 * context and
 * claim/complete 4 bytes above it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <breadboard/breadboard.h>

#define PLIC 0xc000000u
#define PRIORITY(src) (PLIC + 4u * (src))
#define PENDING(word) (PLIC + 0x1000u + 4u * (word))
#define ENABLE(ctx, word) (PLIC + 0x2000u + 0x80u * (ctx) + 4u * (word))
#define THRESHOLD(ctx) (PLIC + 0x200000u + 0x1000u * (ctx))
#define CLAIM(ctx) (THRESHOLD(ctx) + 4u)

static const char board[] =
    "schema: 1\n"
    "name: plic-claim\n"
    "devices:\n"
    "  - type: sifive-plic\n"
    "    id: plic\n"
    "    reg: [0x0C00_0000, 0x60_0000]\n"
    "    props: {num-sources: 96, num-harts: 2}\n";

/* The sources the test drives (two lines into source 10: wire-OR). */
static const char *const sources[] = { "plic:1", "plic:2", "plic:3",
                                       "plic:10", "plic:33", "plic:95",
                                       "plic:10" };
enum { S1, S2, S3, S10, S33, S95, S10B, NSRC };

typedef struct Rig {
    BbDevtest *t;
    int src[NSRC];
    int ctx[4]; /* hart 0 M, S; hart 1 M, S */
} Rig;

static int rig_setup(void **state)
{
    Rig *r = g_new0(Rig, 1);
    GError *err = NULL;

    r->t = bb_devtest_new_from_string(board, "plic-claim", NULL, &err);
    if (!r->t) {
        fail_msg("%s", err->message);
    }
    for (int i = 0; i < NSRC; i++) {
        r->src[i] = bb_devtest_add_drive(r->t, sources[i], &err);
        assert_int_equal(r->src[i], i);
    }
    for (int i = 0; i < 4; i++) {
        g_autofree char *ref = g_strdup_printf("plic.ctx:%d", i);
        r->ctx[i] = bb_devtest_add_probe(r->t, ref, &err);
        assert_int_equal(r->ctx[i], i);
    }
    *state = r;
    return 0;
}

static int rig_teardown(void **state)
{
    Rig *r = *state;

    bb_devtest_free(r->t);
    g_free(r);
    return 0;
}

static uint64_t rd(Rig *r, uint64_t addr)
{
    uint64_t v = 0;

    assert_int_equal(bb_devtest_read(r->t, addr, 4, &v), BB_MEMTX_OK);
    return v;
}

static void wr(Rig *r, uint64_t addr, uint64_t v)
{
    assert_int_equal(bb_devtest_write(r->t, addr, 4, v), BB_MEMTX_OK);
}

static bool irq(Rig *r, int ctx)
{
    return bb_devtest_get_probe(r->t, r->ctx[ctx]);
}

static void set(Rig *r, int src, bool level)
{
    bb_devtest_set_drive(r->t, r->src[src], level);
}

static void gateway_priority_threshold_claim_complete(void **state)
{
    Rig *r = *state;

    /* Pending follows the line until claimed, whatever the priority. */
    set(r, S1, true);
    assert_int_equal(rd(r, PENDING(0)), 0x2);
    assert_false(irq(r, 0));
    set(r, S1, false);
    assert_int_equal(rd(r, PENDING(0)), 0);

    /* Priority 0 never interrupts; priority 1 > threshold 0 does. */
    set(r, S1, true);
    wr(r, ENABLE(0, 0), 0x2);
    assert_false(irq(r, 0));
    assert_int_equal(rd(r, CLAIM(0)), 0);
    wr(r, PRIORITY(1), 1);
    assert_true(irq(r, 0));
    assert_false(irq(r, 1));
    assert_false(irq(r, 2));
    assert_false(irq(r, 3));

    /* Only priorities strictly above the threshold. */
    wr(r, THRESHOLD(0), 1);
    assert_false(irq(r, 0));
    assert_int_equal(rd(r, CLAIM(0)), 0);
    assert_int_equal(rd(r, PENDING(0)), 0x2);
    wr(r, THRESHOLD(0), 0);
    assert_true(irq(r, 0));

    /* Claim, and complete while the line is still high: pending again. */
    assert_int_equal(rd(r, CLAIM(0)), 1);
    assert_int_equal(rd(r, PENDING(0)), 0);
    assert_false(irq(r, 0));
    assert_int_equal(rd(r, CLAIM(0)), 0);   /* in service */
    set(r, S1, false);                      /* an edge in service is held */
    set(r, S1, true);
    assert_int_equal(rd(r, PENDING(0)), 0);
    wr(r, CLAIM(0), 1);
    assert_int_equal(rd(r, PENDING(0)), 0x2);
    assert_true(irq(r, 0));
    assert_int_equal(rd(r, CLAIM(0)), 1);
    set(r, S1, false);                      /* low before completion */
    wr(r, CLAIM(0), 1);
    assert_int_equal(rd(r, PENDING(0)), 0);
    assert_false(irq(r, 0));
    assert_int_equal(rd(r, CLAIM(0)), 0);
    /* Raised three times: priority 1, threshold back to 0, completion. */
    assert_int_equal(bb_devtest_get_probe_rises(r->t, r->ctx[0]), 3);
}

static void claims_by_priority_then_lowest_id(void **state)
{
    Rig *r = *state;

    wr(r, PRIORITY(2), 3);
    wr(r, PRIORITY(3), 5);
    wr(r, PRIORITY(10), 5);
    wr(r, PRIORITY(33), 7);
    wr(r, PRIORITY(95), 7);
    wr(r, ENABLE(0, 0), 0x40c);             /* 2, 3, 10 */
    wr(r, ENABLE(0, 1), 0x2);               /* 33 */
    wr(r, ENABLE(0, 2), 0x80000000);        /* 95 */
    set(r, S2, true);
    set(r, S3, true);
    set(r, S10, true);
    set(r, S33, true);
    set(r, S95, true);
    assert_int_equal(rd(r, PENDING(0)), 0x40c);
    assert_int_equal(rd(r, PENDING(1)), 0x2);
    assert_int_equal(rd(r, PENDING(2)), 0x80000000);
    assert_true(irq(r, 0));
    assert_int_equal(rd(r, CLAIM(0)), 33);  /* 7, lower ID than 95 */
    assert_int_equal(rd(r, CLAIM(0)), 95);
    assert_int_equal(rd(r, CLAIM(0)), 3);   /* 5, lower ID than 10 */
    assert_true(irq(r, 0));
    assert_int_equal(rd(r, CLAIM(0)), 10);
    assert_int_equal(rd(r, CLAIM(0)), 2);
    assert_false(irq(r, 0));
    assert_int_equal(rd(r, CLAIM(0)), 0);
}

static void two_lines_into_one_source_are_ored(void **state)
{
    Rig *r = *state;

    wr(r, PRIORITY(10), 1);
    wr(r, ENABLE(1, 0), 0x400);             /* context 1: source 10 */
    set(r, S10, true);
    set(r, S10B, true);
    assert_true(irq(r, 1));
    set(r, S10, false);
    assert_true(irq(r, 1));                 /* the other line holds it */
    assert_int_equal(rd(r, PENDING(0)), 0x400);
    set(r, S10B, false);
    assert_false(irq(r, 1));
    assert_int_equal(rd(r, PENDING(0)), 0);
}

static void reset_lowers_drives_and_clears_state(void **state)
{
    Rig *r = *state;

    wr(r, PRIORITY(1), 1);
    wr(r, ENABLE(0, 0), 0x2);
    set(r, S1, true);
    assert_true(irq(r, 0));
    bb_devtest_reset(r->t);
    assert_false(irq(r, 0));
    assert_int_equal(rd(r, PRIORITY(1)), 0);
    assert_int_equal(rd(r, PENDING(0)), 0);
    /* The drive line is low after the reset: raising it is an edge. */
    wr(r, PRIORITY(1), 1);
    wr(r, ENABLE(0, 0), 0x2);
    assert_false(irq(r, 0));
    set(r, S1, true);
    assert_true(irq(r, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            gateway_priority_threshold_claim_complete, rig_setup,
            rig_teardown),
        cmocka_unit_test_setup_teardown(claims_by_priority_then_lowest_id,
                                        rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(two_lines_into_one_source_are_ored,
                                        rig_setup, rig_teardown),
        cmocka_unit_test_setup_teardown(reset_lowers_drives_and_clears_state,
                                        rig_setup, rig_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
