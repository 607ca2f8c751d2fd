/*
 * debug-test.c - what debuggers and the monitor see of the hart
 * (debug.c): the register table in GDB's remote numbering (x0-x31, pc,
 * f0-f31, priv, 66 + CSR number) with names, features and groups, and
 * register reads and writes through access_register on a plain RiscvCpu
 * struct (x0 stays 0, priv's reserved 2 becomes S, CSR writes keep their
 * WARL rules, unknown numbers fail).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "riscv.h"

static BbCpuClass cc;

static const BbCpuRegInfo *find(const char *name, unsigned *n_out)
{
    unsigned n;
    const BbCpuRegInfo *regs = cc.get_registers(NULL, &n);

    if (n_out) {
        *n_out = n;
    }
    for (unsigned i = 0; i < n; i++) {
        if (!strcmp(regs[i].name, name)) {
            return &regs[i];
        }
    }
    return NULL;
}

static void table_follows_gdb_numbering(void **state)
{
    unsigned n;
    const BbCpuRegInfo *r;

    riscv_debug_init(&cc);
    r = find("zero", &n);
    assert_non_null(r);
    assert_int_equal(r->regno, 0);
    assert_string_equal(r->feature, "org.gnu.gdb.riscv.cpu");
    assert_int_equal(find("fp", NULL)->regno, 8);
    assert_string_equal(find("sp", NULL)->type, "data_ptr");
    assert_int_equal(find("t6", NULL)->regno, 31);
    assert_int_equal(find("pc", NULL)->regno, 32);
    assert_string_equal(find("pc", NULL)->type, "code_ptr");
    assert_int_equal(find("ft0", NULL)->regno, 33);
    assert_int_equal(find("ft11", NULL)->regno, 64);
    assert_string_equal(find("fs0", NULL)->group, "float");
    assert_int_equal(find("priv", NULL)->regno, 65);
    assert_string_equal(find("priv", NULL)->feature,
                        "org.gnu.gdb.riscv.virtual");
    /* the numbers QEMU 7.2 serves for the same CSRs */
    assert_int_equal(find("sstatus", NULL)->regno, 322);
    assert_int_equal(find("satp", NULL)->regno, 450);
    assert_int_equal(find("mstatus", NULL)->regno, 834);
    assert_int_equal(find("mepc", NULL)->regno, 899);
    assert_int_equal(find("mhartid", NULL)->regno, 3926);
    assert_string_equal(find("mstatus", NULL)->group, "system");
    assert_null(find("nosuch", NULL));
    /* fflags/frm/fcsr: CSR numbers, in the fpu feature after f31 (where
     * GDB's own riscv-64bit-fpu.xml has them), 32-bit */
    assert_int_equal(find("fflags", NULL)->regno, 66 + 1);
    assert_int_equal(find("fcsr", NULL)->regno, 66 + 3);
    assert_string_equal(find("frm", NULL)->feature, "org.gnu.gdb.riscv.fpu");
    assert_int_equal(find("fcsr", NULL)->bitsize, 32);
    /* numbers are unique and increasing within each feature; all but
     * fflags/frm/fcsr 64-bit */
    const BbCpuRegInfo *regs = cc.get_registers(NULL, &n);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_direct_hash,
                                                  g_direct_equal);
    for (unsigned i = 0; i < n; i++) {
        assert_false(g_hash_table_contains(
            seen, GUINT_TO_POINTER(regs[i].regno + 1)));
        g_hash_table_add(seen, GUINT_TO_POINTER(regs[i].regno + 1));
        if (i && !strcmp(regs[i].feature, regs[i - 1].feature)) {
            assert_true(regs[i].regno > regs[i - 1].regno);
        }
        if (regs[i].regno < 66 + 1 || regs[i].regno > 66 + 3) {
            assert_int_equal(regs[i].bitsize, 64);
        }
    }
}

static void access_reads_and_writes(void **state)
{
    RiscvCpu *s = g_new0(RiscvCpu, 1);
    BbCpu *cpu = (BbCpu *)s;
    uint64_t v;

    riscv_debug_init(&cc);
    s->misa = MISA_MXL_64 | RVI | RVM | RVA | RVF | RVD | RVC | RVS | RVU;
    s->priv = PRV_M;
    s->gpr[9] = 0x1234;
    assert_true(cc.access_register(cpu, 9, &v, false));
    assert_int_equal(v, 0x1234);
    v = 77;
    assert_true(cc.access_register(cpu, 0, &v, true));
    assert_int_equal(s->gpr[0], 0);
    v = 0x80000000;
    assert_true(cc.access_register(cpu, 32, &v, true));
    assert_int_equal(s->pc, 0x80000000);
    v = 0x3ff8000000000000ull;
    assert_true(cc.access_register(cpu, 33 + 8, &v, true));
    assert_int_equal(s->fpr[8], 0x3ff8000000000000ull);
    v = 2; /* reserved: S */
    assert_true(cc.access_register(cpu, 65, &v, true));
    assert_int_equal(s->priv, PRV_S);
    assert_true(cc.access_register(cpu, 65, &v, false));
    assert_int_equal(v, PRV_S);
    v = 0x1234;
    assert_true(cc.access_register(cpu, 66 + 0x340, &v, true)); /* mscratch */
    assert_int_equal(s->mscratch, 0x1234);
    v = 0x80000003;
    assert_true(cc.access_register(cpu, 66 + 0x341, &v, true)); /* mepc */
    assert_true(cc.access_register(cpu, 66 + 0x341, &v, false));
    assert_int_equal(v, 0x80000002); /* bit 0 stays clear (WARL) */
    assert_false(cc.access_register(cpu, 66 + 0x7ff, &v, false));
    assert_false(cc.access_register(cpu, 66 + 4096, &v, false));
    v = 5; /* mhartid is read-only: the write changes nothing */
    cc.access_register(cpu, 66 + 0xf14, &v, true);
    assert_true(cc.access_register(cpu, 66 + 0xf14, &v, false));
    assert_int_equal(v, 0);
    g_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_follows_gdb_numbering),
        cmocka_unit_test(access_reads_and_writes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
